-- Revert lokdarpan:content/keyword_article_matches from pg

begin;

drop table content.keyword_article_matches;

commit;
