-- Revert lokdarpan:demography/schema from pg

begin;

drop schema demography;

commit;
