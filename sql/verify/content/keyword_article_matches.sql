-- Verify lokdarpan:content/keyword_article_matches on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/content/keyword_article_matches.sql.

begin;

select 1 / (count(*) = 7)::int from pg_catalog.pg_attribute
 where attrelid = 'content.keyword_article_matches'::regclass and attnum > 0 and not attisdropped
   and attname in ('match_id', 'article_uri', 'keyword', 'group_id', 'detected_at', 'is_read', 'import_id');
select 'content.ix_keyword_article_matches__keyword__detected_at'::regclass;
select 'content.ix_keyword_article_matches__group_id__is_read'::regclass;

rollback;
