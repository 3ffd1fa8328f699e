-- Behaviour of content/article_analysis_cache (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into content.articles (uri) values ('https://verify.invalid/cache');
insert into content.article_analysis_cache (article_uri, analysis_type, model_used, content, metadata)
values ('https://verify.invalid/cache', 'summary', 'm1', 'text', '{"k": 1}');
select ok(count(*) > 0, 'content/article_analysis_cache: check 1') from content.article_analysis_cache
 where article_uri = 'https://verify.invalid/cache' and metadata ->> 'k' = '1';
select lives_ok($tap$
do $$
begin
    insert into content.article_analysis_cache (article_uri, analysis_type, model_used)
    values ('https://verify.invalid/cache', 'summary', 'm1');
    raise exception 'a duplicate cache entry was accepted';
exception when unique_violation then
    null;
end
$$;
$tap$, 'content/article_analysis_cache: check 2');

select * from finish();
rollback;
