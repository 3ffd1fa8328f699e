-- Verify lokdarpan:ingest/register_authors on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ingest/register_authors.sql.

begin;

select 'ingest.register_authors(text[])'::regprocedure;

rollback;
