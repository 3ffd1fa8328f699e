-- Revert lokdarpan:ops/schema from pg

begin;

drop schema ops;

commit;
