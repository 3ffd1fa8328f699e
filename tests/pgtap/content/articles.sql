-- Behaviour of content/articles (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into content.articles (uri, title, summary, publication_date, sentiment, driver_type, tags)
values ('https://verify.invalid/a', 'Metro rail extension approved', 'The roads will be widened', now(),
        'Positive', 'Accelerator', '{transport}');
select ok(count(*) > 0, 'content/articles: check 1') from content.articles
 where uri = 'https://verify.invalid/a'
   and search_vector @@ to_tsquery('english', 'metro & road')
   and ingest_status = 'pending' and not analyzed;
select lives_ok($tap$
do $$
begin
    insert into content.articles (uri, ingest_status) values ('https://verify.invalid/b', 'nonsense');
    raise exception 'an unknown ingest_status was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'content/articles: check 2');

select * from finish();
rollback;
