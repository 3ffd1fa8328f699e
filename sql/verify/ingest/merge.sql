-- Verify lokdarpan:ingest/merge on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ingest/merge.sql.

begin;

select 'ingest.merge_post_batch(int8, timestamptz)'::regprocedure;
select 'ingest.merge_epaper_batch(int8)'::regprocedure;
-- the reworked merge names no conflict target (the core/post rework re-keys the table)
select 1 / (strpos(lower(prosrc), 'on conflict (fingerprint)') = 0)::int
  from pg_proc where oid = 'ingest.merge_post_batch(int8, timestamptz)'::regprocedure;

rollback;
