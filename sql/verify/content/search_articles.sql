-- Verify lokdarpan:content/search_articles on pg

begin;

insert into content.articles (uri, title, summary)
values ('https://verify.invalid/s1', 'Flooding in Kapra', 'Drains overflow after rain'),
       ('https://verify.invalid/s2', 'Budget session', 'Rain of promises');
select 1 / (count(*) = 2)::int from content.search_articles('rain');
select 1 / (min(s.uri) = 'https://verify.invalid/s1')::int from content.search_articles('flooding drains', 5) s;
select 1 / (count(*) = 1)::int from content.search_articles('rain', 1);

rollback;
