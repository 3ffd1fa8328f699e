-- Deploy lokdarpan:content/article_analysis_cache to pg
-- requires: content/articles
-- The application caches expensive model outputs per article, analysis type and model; the
-- cache is worth keeping across the move (re-running the models costs money). One row per
-- (article, analysis type, model).

begin;

create table content.article_analysis_cache (
    cache_id       bigint generated always as identity,
    article_uri    text not null,
    analysis_type  text not null,
    model_used     text not null default '',
    content        text,
    metadata       jsonb,
    generated_at   timestamptz,
    expires_at     timestamptz,
    import_id      bigint,
    constraint pk_article_analysis_cache primary key (cache_id),
    constraint uq_article_analysis_cache__uri__type__model
        unique (article_uri, analysis_type, model_used),
    constraint fk_article_analysis_cache__article_uri foreign key (article_uri)
        references content.articles (uri) on delete cascade,
    constraint ck_article_analysis_cache__expiry check (expires_at is null or generated_at is null
                                                        or expires_at >= generated_at)
);
create index ix_article_analysis_cache__expires_at on content.article_analysis_cache (expires_at);

comment on table content.article_analysis_cache is
    'Cached model output per (article_uri, analysis_type, model_used); rows past expires_at are stale.';
comment on column content.article_analysis_cache.article_uri is 'The analysed article (content.articles.uri); uq_ index leads with it.';
comment on column content.article_analysis_cache.analysis_type is 'Which analysis produced the content (the application''s name for it).';
comment on column content.article_analysis_cache.model_used is 'Model that produced the content; empty string when the source did not say.';
comment on column content.article_analysis_cache.content is 'The cached output (text, often markdown or JSON as text).';
comment on column content.article_analysis_cache.metadata is 'Extra details the application stored as JSON.';
comment on column content.article_analysis_cache.expires_at is 'After this instant the cached output is stale.';
comment on column content.article_analysis_cache.import_id is 'Import run (content.import_run) that inserted the row, if any.';

commit;
