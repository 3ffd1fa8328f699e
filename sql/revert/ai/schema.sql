-- Revert lokdarpan:ai/schema from pg

begin;

drop schema ai;

commit;
