-- Revert lokdarpan:audit/schema from pg

begin;

drop schema audit;

commit;
