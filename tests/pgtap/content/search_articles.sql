-- Behaviour of content/search_articles (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(3);

insert into content.articles (uri, title, summary)
values ('https://verify.invalid/s1', 'Flooding in Kapra', 'Drains overflow after rain'),
       ('https://verify.invalid/s2', 'Budget session', 'Rain of promises');
select ok(count(*) = 2, 'content/search_articles: check 1') from content.search_articles('rain');
select ok(min(s.uri) = 'https://verify.invalid/s1', 'content/search_articles: check 2') from content.search_articles('flooding drains', 5) s;
select ok(count(*) = 1, 'content/search_articles: check 3') from content.search_articles('rain', 1);

select * from finish();
rollback;
