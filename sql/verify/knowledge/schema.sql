-- Verify lokdarpan:knowledge/schema on pg

begin;

select pg_catalog.has_schema_privilege('knowledge', 'usage');

rollback;
