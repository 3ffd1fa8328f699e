-- Revert lokdarpan:content/schema from pg

begin;

drop schema content;

commit;
