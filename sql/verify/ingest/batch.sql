-- Verify lokdarpan:ingest/batch on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ingest/batch.sql.

begin;

select 1 / (count(*) = 18)::int from pg_catalog.pg_attribute
 where attrelid = 'ingest.batch'::regclass and attnum > 0 and not attisdropped
   and attname in ('batch_id', 'kind', 'source_file', 'source_sha256', 'first_line', 'last_line', 'byte_from', 'byte_to', 'lines_read', 'inserted', 'duplicates', 'rejected', 'status', 'dry_run', 'started_at', 'finished_at', 'timings', 'error');
select 'ingest.ix_batch__source_sha256'::regclass;
select 'ingest.ix_batch__started_at'::regclass;
select 1 / (count(*) = 8)::int from pg_catalog.pg_attribute
 where attrelid = 'ingest.reject'::regclass and attnum > 0 and not attisdropped
   and attname in ('reject_id', 'batch_id', 'line_no', 'reason_code', 'detail', 'raw_line', 'raw_bytes', 'created_at');
select 'ingest.ix_reject__batch_id'::regclass;
select 'ingest.ix_reject__reason_code'::regclass;

rollback;
