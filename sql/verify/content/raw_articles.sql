-- Verify lokdarpan:content/raw_articles on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/content/raw_articles.sql.

begin;

select 1 / (count(*) = 7)::int from pg_catalog.pg_attribute
 where attrelid = 'content.raw_articles'::regclass and attnum > 0 and not attisdropped
   and attname in ('uri', 'raw_markdown', 'submission_date', 'last_updated', 'topic', 'import_id', 'imported_at');

rollback;
