-- Revert lokdarpan:crisis/schema from pg

begin;

drop schema crisis;

commit;
