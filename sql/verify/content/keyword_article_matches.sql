-- Verify lokdarpan:content/keyword_article_matches on pg

begin;

insert into content.articles (uri) values ('https://verify.invalid/kw');
insert into content.keyword_article_matches (article_uri, keyword) values ('https://verify.invalid/kw', 'metro');
select 1 / count(*) from content.keyword_article_matches where keyword = 'metro' and not is_read;
do $$
begin
    insert into content.keyword_article_matches (article_uri, keyword) values ('https://verify.invalid/kw', 'metro');
    raise exception 'a duplicate keyword match was accepted';
exception when unique_violation then
    null;
end
$$;
do $$
begin
    insert into content.keyword_article_matches (article_uri, keyword) values ('https://verify.invalid/none', 'x');
    raise exception 'a match without its article was accepted';
exception when foreign_key_violation then
    null;
end
$$;

rollback;
