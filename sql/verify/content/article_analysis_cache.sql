-- Verify lokdarpan:content/article_analysis_cache on pg

begin;

insert into content.articles (uri) values ('https://verify.invalid/cache');
insert into content.article_analysis_cache (article_uri, analysis_type, model_used, content, metadata)
values ('https://verify.invalid/cache', 'summary', 'm1', 'text', '{"k": 1}');
select 1 / count(*) from content.article_analysis_cache
 where article_uri = 'https://verify.invalid/cache' and metadata ->> 'k' = '1';
do $$
begin
    insert into content.article_analysis_cache (article_uri, analysis_type, model_used)
    values ('https://verify.invalid/cache', 'summary', 'm1');
    raise exception 'a duplicate cache entry was accepted';
exception when unique_violation then
    null;
end
$$;

rollback;
