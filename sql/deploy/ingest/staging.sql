-- Deploy lokdarpan:ingest/staging to pg
-- requires: ingest/batch
-- Unlogged staging tables that COPY fills, one batch at a time: the set-based merge reads a
-- batch's rows from here and deletes them in the same transaction, so the tables are empty
-- between batches and a crashed batch leaves nothing (unlogged only skips WAL).

begin;

create unlogged table ingest.staging_post (
    batch_id     bigint not null,
    line_no      bigint not null,
    text         text,
    author_name  text,
    city         text,
    emotion      text,
    party        text,
    created_at   timestamptz,
    epaper_id    bigint,
    fingerprint  bytea,
    constraint pk_staging_post primary key (batch_id, line_no)
);
comment on table ingest.staging_post is
    'COPY target for post batches (decoded by the loader: one row per well-formed input line). '
    'Rows live only inside their batch''s transaction.';
comment on column ingest.staging_post.created_at is 'Parsed by the loader; NULL when the line had none.';
comment on column ingest.staging_post.fingerprint is
    'core.post_fingerprint of the row computed by the loader (saves a function call per row in '
    'the merge); NULL makes the merge compute it.';

create unlogged table ingest.staging_epaper (
    batch_id          bigint not null,
    line_no           bigint not null,
    publication_name  text,
    publication_date  date,
    raw_text          text,
    city              text,
    party             text,
    constraint pk_staging_epaper primary key (batch_id, line_no)
);
comment on table ingest.staging_epaper is 'COPY target for e-paper batches; rows live only inside their batch''s transaction.';

commit;
