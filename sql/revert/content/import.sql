-- Revert lokdarpan:content/import from pg

begin;

drop table content.import_reject;
drop table content.import_run;

commit;
