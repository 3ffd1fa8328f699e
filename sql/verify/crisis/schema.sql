-- Verify lokdarpan:crisis/schema on pg

begin;

select pg_catalog.has_schema_privilege('crisis', 'usage');

rollback;
