-- Revert lokdarpan:core/alert from pg

begin;

drop table core.alert;

commit;
