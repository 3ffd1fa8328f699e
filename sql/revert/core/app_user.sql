-- Revert lokdarpan:core/app_user from pg

begin;

drop table core.app_user;

commit;
