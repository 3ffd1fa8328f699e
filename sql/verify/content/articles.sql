-- Verify lokdarpan:content/articles on pg

begin;

insert into content.articles (uri, title, summary, publication_date, sentiment, driver_type, tags)
values ('https://verify.invalid/a', 'Metro rail extension approved', 'The roads will be widened', now(),
        'Positive', 'Accelerator', '{transport}');
select 1 / count(*) from content.articles
 where uri = 'https://verify.invalid/a'
   and search_vector @@ to_tsquery('english', 'metro & road')
   and ingest_status = 'pending' and not analyzed;
do $$
begin
    insert into content.articles (uri, ingest_status) values ('https://verify.invalid/b', 'nonsense');
    raise exception 'an unknown ingest_status was accepted';
exception when check_violation then
    null;
end
$$;

rollback;
