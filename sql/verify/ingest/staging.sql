-- Verify lokdarpan:ingest/staging on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ingest/staging.sql.

begin;

select 1 / (count(*) = 10)::int from pg_catalog.pg_attribute
 where attrelid = 'ingest.staging_post'::regclass and attnum > 0 and not attisdropped
   and attname in ('batch_id', 'line_no', 'text', 'author_name', 'city', 'emotion', 'party', 'created_at', 'epaper_id', 'fingerprint');
select 1 / (count(*) = 7)::int from pg_catalog.pg_attribute
 where attrelid = 'ingest.staging_epaper'::regclass and attnum > 0 and not attisdropped
   and attname in ('batch_id', 'line_no', 'publication_name', 'publication_date', 'raw_text', 'city', 'party');

-- answers from the catalog or on constants
select 1 / (count(*) = 2)::int from pg_catalog.pg_class
 where oid in ('ingest.staging_post'::regclass, 'ingest.staging_epaper'::regclass) and relpersistence = 'u';

rollback;
