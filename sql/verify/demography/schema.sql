-- Verify lokdarpan:demography/schema on pg

begin;

select pg_catalog.has_schema_privilege('demography', 'usage');

rollback;
