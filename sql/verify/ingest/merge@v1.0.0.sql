-- Verify lokdarpan:ingest/merge on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ingest/merge.sql.

begin;

select 'ingest.merge_post_batch(int8, timestamptz)'::regprocedure;
select 'ingest.merge_epaper_batch(int8)'::regprocedure;

rollback;
