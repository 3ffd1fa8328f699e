-- Revert lokdarpan:crisis/crisis_event from pg

begin;

drop function crisis.set_crisis_scope(bigint, text[]);
drop table crisis.crisis_event_ward;
drop table crisis.crisis_event;

commit;
