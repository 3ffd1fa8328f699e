-- Deploy lokdarpan:content/keyword_article_matches to pg
-- requires: content/articles
-- Which monitored keyword matched which article (the application's keyword alerts). One row
-- per (article, keyword), so a repeated import or a repeated match adds nothing.

begin;

create table content.keyword_article_matches (
    match_id     bigint generated always as identity,
    article_uri  text not null,
    keyword      text not null,
    group_id     bigint,
    detected_at  timestamptz,
    is_read      boolean not null default false,
    import_id    bigint,
    constraint pk_keyword_article_matches primary key (match_id),
    constraint uq_keyword_article_matches__article_uri__keyword unique (article_uri, keyword),
    constraint fk_keyword_article_matches__article_uri foreign key (article_uri)
        references content.articles (uri) on delete cascade,
    constraint ck_keyword_article_matches__keyword check (btrim(keyword) <> '')
);
create index ix_keyword_article_matches__keyword__detected_at
    on content.keyword_article_matches (keyword, detected_at);
create index ix_keyword_article_matches__group_id__is_read
    on content.keyword_article_matches (group_id, is_read);

comment on table content.keyword_article_matches is
    'A monitored keyword that matched an article; one row per (article_uri, keyword).';
comment on column content.keyword_article_matches.article_uri is 'The matched article (content.articles.uri); uq_ index leads with it.';
comment on column content.keyword_article_matches.group_id is 'Keyword group of the application that owns the keyword.';
comment on column content.keyword_article_matches.detected_at is 'When the match was found.';
comment on column content.keyword_article_matches.is_read is 'True once a user has seen the alert.';
comment on column content.keyword_article_matches.import_id is 'Import run (content.import_run) that inserted the row, if any.';

commit;
