-- Deploy lokdarpan:content/raw_articles to pg
-- requires: content/articles
-- The application keeps the scraped body of an article apart from its analysis; a raw body
-- without its article is an orphan, so the key is also a foreign key to content.articles.

begin;

create table content.raw_articles (
    uri              text not null,
    raw_markdown     text,
    submission_date  timestamptz,
    last_updated     timestamptz,
    topic            text,
    import_id        bigint,
    imported_at      timestamptz not null default now(),
    constraint pk_raw_articles primary key (uri),
    constraint fk_raw_articles__uri foreign key (uri) references content.articles (uri) on delete cascade
);
comment on table content.raw_articles is
    'Raw scraped body (markdown) of an article of content.articles; deleted with its article.';
comment on column content.raw_articles.uri is 'The article (content.articles.uri); the primary key also indexes the foreign key.';
comment on column content.raw_articles.last_updated is 'When the application last re-scraped the body.';
comment on column content.raw_articles.import_id is 'Import run (content.import_run) that inserted the row, if any.';

commit;
