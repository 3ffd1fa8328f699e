-- Revert lokdarpan:pulse/schema from pg

begin;

drop schema pulse;

commit;
