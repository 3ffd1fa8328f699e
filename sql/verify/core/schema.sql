-- Verify lokdarpan:core/schema on pg

begin;

select pg_catalog.has_schema_privilege('core', 'usage');

rollback;
