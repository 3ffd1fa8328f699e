-- Revert lokdarpan:crisis/crisis_event from pg

begin;

drop function crisis.set_crisis_scope(bigint, text[]);
drop trigger tg_crisis_event__propagate_is_open on crisis.crisis_event;
drop function crisis.tg_crisis_event__propagate_is_open();
drop table crisis.crisis_event_ward;
drop function crisis.tg_crisis_event_ward__copy_is_open();
drop table crisis.crisis_event;

commit;
