-- Revert lokdarpan:core/epaper from pg

begin;

drop table core.epaper;

commit;
