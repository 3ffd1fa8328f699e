-- Verify lokdarpan:ai/schema on pg

begin;

select pg_catalog.has_schema_privilege('ai', 'usage');

rollback;
