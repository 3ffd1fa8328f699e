-- Verify lokdarpan:content/articles on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/content/articles.sql.

begin;

select 1 / (count(*) = 35)::int from pg_catalog.pg_attribute
 where attrelid = 'content.articles'::regclass and attnum > 0 and not attisdropped
   and attname in ('uri', 'title', 'news_source', 'summary', 'topic', 'category', 'publication_date', 'submission_date', 'sentiment', 'sentiment_explanation', 'future_signal', 'future_signal_explanation', 'time_to_impact', 'time_to_impact_explanation', 'driver_type', 'driver_type_explanation', 'tags', 'bias', 'factual_reporting', 'mbfc_credibility_rating', 'bias_source', 'bias_country', 'press_freedom', 'media_type', 'popularity', 'credibility_score', 'relevance_score', 'quality_score', 'quality_issues', 'analyzed', 'auto_ingested', 'ingest_status', 'search_vector', 'import_id', 'imported_at');
select 'content.ix_articles__publication_date'::regclass;
select 'content.ix_articles__sentiment__publication_date'::regclass;
select 'content.ix_articles__driver_type__publication_date'::regclass;
select 'content.ix_articles__topic__publication_date'::regclass;
select 'content.ix_articles__ingest_status__submission_date'::regclass;
select 'content.ix_articles__search_vector'::regclass;

rollback;
