-- Verify lokdarpan:audit/schema on pg

begin;

select pg_catalog.has_schema_privilege('audit', 'usage');

rollback;
