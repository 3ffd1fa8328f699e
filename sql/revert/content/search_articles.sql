-- Revert lokdarpan:content/search_articles from pg

begin;

drop function content.search_articles(text, integer);

commit;
