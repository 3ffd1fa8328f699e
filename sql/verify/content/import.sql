-- Verify lokdarpan:content/import on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/content/import.sql.

begin;

select 1 / (count(*) = 7)::int from pg_catalog.pg_attribute
 where attrelid = 'content.import_run'::regclass and attnum > 0 and not attisdropped
   and attname in ('import_id', 'source_path', 'source_sha256', 'status', 'started_at', 'finished_at', 'counts');
select 1 / (count(*) = 8)::int from pg_catalog.pg_attribute
 where attrelid = 'content.import_reject'::regclass and attnum > 0 and not attisdropped
   and attname in ('reject_id', 'import_id', 'source_table', 'source_key', 'reason', 'raw_row', 'row_sha256', 'rejected_at');
select 'content.ix_import_reject__import_id'::regclass;

rollback;
