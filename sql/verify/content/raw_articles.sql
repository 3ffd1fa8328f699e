-- Verify lokdarpan:content/raw_articles on pg

begin;

insert into content.articles (uri) values ('https://verify.invalid/raw');
insert into content.raw_articles (uri, raw_markdown) values ('https://verify.invalid/raw', '# body');
select 1 / count(*) from content.raw_articles where uri = 'https://verify.invalid/raw';
do $$
begin
    insert into content.raw_articles (uri) values ('https://verify.invalid/orphan');
    raise exception 'a raw article without its article was accepted';
exception when foreign_key_violation then
    null;
end
$$;

rollback;
