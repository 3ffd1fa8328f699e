-- Revert lokdarpan:extensions/schema from pg

begin;

drop schema extensions;

commit;
