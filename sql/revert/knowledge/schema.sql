-- Revert lokdarpan:knowledge/schema from pg

begin;

drop schema knowledge;

commit;
