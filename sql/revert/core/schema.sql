-- Revert lokdarpan:core/schema from pg

begin;

drop schema core;

commit;
