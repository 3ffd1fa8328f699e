-- Verify lokdarpan:extensions/schema on pg

begin;

select pg_catalog.has_schema_privilege('extensions', 'usage');

rollback;
