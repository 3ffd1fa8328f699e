-- Revert lokdarpan:electoral/schema from pg

begin;

drop schema electoral;

commit;
