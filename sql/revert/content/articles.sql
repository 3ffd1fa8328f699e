-- Revert lokdarpan:content/articles from pg

begin;

drop table content.articles;

commit;
