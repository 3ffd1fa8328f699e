-- Verify lokdarpan:electoral/schema on pg

begin;

select pg_catalog.has_schema_privilege('electoral', 'usage');

rollback;
