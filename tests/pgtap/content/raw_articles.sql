-- Behaviour of content/raw_articles (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into content.articles (uri) values ('https://verify.invalid/raw');
insert into content.raw_articles (uri, raw_markdown) values ('https://verify.invalid/raw', '# body');
select ok(count(*) > 0, 'content/raw_articles: check 1') from content.raw_articles where uri = 'https://verify.invalid/raw';
select lives_ok($tap$
do $$
begin
    insert into content.raw_articles (uri) values ('https://verify.invalid/orphan');
    raise exception 'a raw article without its article was accepted';
exception when foreign_key_violation then
    null;
end
$$;
$tap$, 'content/raw_articles: check 2');

select * from finish();
rollback;
