-- Deploy lokdarpan:content/articles to pg
-- requires: content/schema
-- The content-analytics application keeps its articles in SQLite; the hybrid plan moves them
-- into PostgreSQL so they can be searched and joined with the ward data. The uri is the
-- article's natural key (as in the application); the analysis columns keep the classifier's
-- labels as received (they are free text produced by a model, not one of our vocabularies),
-- while ingest_status, which our import and the application both act on, is a closed vocabulary.

begin;

create table content.articles (
    uri                          text not null,
    title                        text,
    news_source                  text,
    summary                      text,
    topic                        text,
    category                     text,
    publication_date             timestamptz,
    submission_date              timestamptz,
    sentiment                    text,
    sentiment_explanation        text,
    future_signal                text,
    future_signal_explanation    text,
    time_to_impact               text,
    time_to_impact_explanation   text,
    driver_type                  text,
    driver_type_explanation      text,
    tags                         text[] not null default '{}',
    bias                         text,
    factual_reporting            text,
    mbfc_credibility_rating      text,
    bias_source                  text,
    bias_country                 text,
    press_freedom                text,
    media_type                   text,
    popularity                   text,
    credibility_score            double precision,
    relevance_score              double precision,
    quality_score                double precision,
    quality_issues               text,
    analyzed                     boolean not null default false,
    auto_ingested                boolean not null default false,
    ingest_status                text not null default 'pending',
    search_vector                tsvector generated always as (
                                     setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
                                     || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
                                 ) stored,
    import_id                    bigint,
    imported_at                  timestamptz not null default now(),
    constraint pk_articles primary key (uri),
    constraint ck_articles__uri check (btrim(uri) <> ''),
    constraint ck_articles__ingest_status check (
        ingest_status in ('pending', 'processing', 'completed', 'failed', 'skipped')),
    constraint ck_articles__credibility_score check (credibility_score between 0 and 100),
    constraint ck_articles__relevance_score check (relevance_score between 0 and 100),
    constraint ck_articles__quality_score check (quality_score between 0 and 100)
);

create index ix_articles__publication_date on content.articles (publication_date);
create index ix_articles__sentiment__publication_date on content.articles (sentiment, publication_date);
create index ix_articles__driver_type__publication_date on content.articles (driver_type, publication_date);
create index ix_articles__topic__publication_date on content.articles (topic, publication_date);
create index ix_articles__ingest_status__submission_date on content.articles (ingest_status, submission_date);
create index ix_articles__search_vector on content.articles using gin (search_vector);

comment on table content.articles is
    'Articles of the content-analytics application (imported from its SQLite database by '
    '`lokdarpan-db import-sqlite`), one row per uri, with the analysis the application attached.';
comment on column content.articles.uri is 'Article URL as the application stores it; the natural key.';
comment on column content.articles.news_source is 'Publisher or feed the article came from.';
comment on column content.articles.publication_date is 'When the publisher dated the article (UTC; naive source times are read as UTC).';
comment on column content.articles.submission_date is 'When the application collected the article.';
comment on column content.articles.sentiment is 'Sentiment label from the application''s classifier, as received (e.g. Positive, Critical).';
comment on column content.articles.future_signal is 'Classifier label: what the article signals about the future of its topic.';
comment on column content.articles.time_to_impact is 'Classifier label: how soon the signal is expected to matter (e.g. Immediate, Mid-term).';
comment on column content.articles.driver_type is 'Classifier label: the kind of driver the article describes (e.g. Accelerator, Blocker).';
comment on column content.articles.tags is 'Tags, split from the application''s comma-separated list, trimmed, empty ones dropped.';
comment on column content.articles.bias is 'Media-bias rating of the source (Media Bias/Fact Check style label).';
comment on column content.articles.factual_reporting is 'Factual-reporting rating of the source (e.g. High, Mixed).';
comment on column content.articles.mbfc_credibility_rating is 'Credibility rating label of the source (e.g. High Credibility).';
comment on column content.articles.credibility_score is 'Credibility score 0-100 (free-text numbers in the source are parsed at import).';
comment on column content.articles.relevance_score is 'Relevance score 0-100.';
comment on column content.articles.quality_score is 'Content-quality score 0-100.';
comment on column content.articles.quality_issues is 'Quality problems the application noted, as text.';
comment on column content.articles.analyzed is 'True once the application''s analysis has run on the article.';
comment on column content.articles.auto_ingested is 'True when the article came in through the automatic pipeline rather than by hand.';
comment on column content.articles.ingest_status is 'Pipeline state: pending, processing, completed, failed or skipped.';
comment on column content.articles.search_vector is 'english full-text vector: title (weight A) and summary (weight B), generated.';
comment on column content.articles.import_id is 'Import run (content.import_run) that inserted the row; NULL when written by the application.';

commit;
