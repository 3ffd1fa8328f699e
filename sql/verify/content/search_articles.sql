-- Verify lokdarpan:content/search_articles on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/content/search_articles.sql.

begin;

select 'content.search_articles(text, int4)'::regprocedure;

rollback;
