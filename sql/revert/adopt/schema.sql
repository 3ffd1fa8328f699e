-- Revert lokdarpan:adopt/schema from pg

begin;

drop schema adopt;

commit;
