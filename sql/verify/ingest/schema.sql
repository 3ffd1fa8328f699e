-- Verify lokdarpan:ingest/schema on pg

begin;

select pg_catalog.has_schema_privilege('ingest', 'usage');

rollback;
