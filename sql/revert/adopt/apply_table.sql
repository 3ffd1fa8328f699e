-- Revert lokdarpan:adopt/apply_table from pg

begin;

drop function adopt.apply_capture_table(text, integer);

commit;
