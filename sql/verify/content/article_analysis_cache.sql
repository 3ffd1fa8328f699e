-- Verify lokdarpan:content/article_analysis_cache on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/content/article_analysis_cache.sql.

begin;

select 1 / (count(*) = 9)::int from pg_catalog.pg_attribute
 where attrelid = 'content.article_analysis_cache'::regclass and attnum > 0 and not attisdropped
   and attname in ('cache_id', 'article_uri', 'analysis_type', 'model_used', 'content', 'metadata', 'generated_at', 'expires_at', 'import_id');
select 'content.ix_article_analysis_cache__expires_at'::regclass;

rollback;
