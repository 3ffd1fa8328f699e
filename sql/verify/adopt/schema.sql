-- Verify lokdarpan:adopt/schema on pg

begin;

select pg_catalog.has_schema_privilege('adopt', 'usage');

rollback;
