-- Verify lokdarpan:ops/schema on pg

begin;

select pg_catalog.has_schema_privilege('ops', 'usage');

rollback;
