-- Revert lokdarpan:crisis/ward_crisis_summary from pg

begin;

drop function crisis.get_open_crises(text);
drop view crisis.ward_crisis_summary;

commit;
