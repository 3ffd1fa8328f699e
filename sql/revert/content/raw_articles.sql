-- Revert lokdarpan:content/raw_articles from pg

begin;

drop table content.raw_articles;

commit;
