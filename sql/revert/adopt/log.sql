-- Revert lokdarpan:adopt/log from pg
-- Dropping the trigger function also drops the capture triggers on the legacy tables.

begin;

drop function adopt.remove_capture(text, text);
drop function adopt.install_capture(text, text, text, smallint);
drop function adopt.tg__capture() cascade;
drop table adopt.quarantine;
drop table adopt.mapping;
drop table adopt.capture;
drop table adopt.table_state;

commit;
