-- Verify lokdarpan:pulse/schema on pg

begin;

select pg_catalog.has_schema_privilege('pulse', 'usage');

rollback;
