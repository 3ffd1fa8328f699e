-- Behaviour of content/keyword_article_matches (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(3);

insert into content.articles (uri) values ('https://verify.invalid/kw');
insert into content.keyword_article_matches (article_uri, keyword) values ('https://verify.invalid/kw', 'metro');
select ok(count(*) > 0, 'content/keyword_article_matches: check 1') from content.keyword_article_matches where keyword = 'metro' and not is_read;
select lives_ok($tap$
do $$
begin
    insert into content.keyword_article_matches (article_uri, keyword) values ('https://verify.invalid/kw', 'metro');
    raise exception 'a duplicate keyword match was accepted';
exception when unique_violation then
    null;
end
$$;
$tap$, 'content/keyword_article_matches: check 2');
select lives_ok($tap$
do $$
begin
    insert into content.keyword_article_matches (article_uri, keyword) values ('https://verify.invalid/none', 'x');
    raise exception 'a match without its article was accepted';
exception when foreign_key_violation then
    null;
end
$$;
$tap$, 'content/keyword_article_matches: check 3');

select * from finish();
rollback;
