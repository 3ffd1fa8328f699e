-- Verify lokdarpan:content/schema on pg

begin;

select pg_catalog.has_schema_privilege('content', 'usage');

rollback;
