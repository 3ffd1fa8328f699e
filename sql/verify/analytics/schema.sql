-- Verify lokdarpan:analytics/schema on pg

begin;

select pg_catalog.has_schema_privilege('analytics', 'usage');

rollback;
