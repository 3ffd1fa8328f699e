-- Revert lokdarpan:content/article_analysis_cache from pg

begin;

drop table content.article_analysis_cache;

commit;
