-- Deploy lokdarpan:content/import to pg
-- requires: content/schema
-- Bookkeeping for `lokdarpan-db import-sqlite`: every run is recorded with its counts, and every
-- source row that could not be loaded (an orphan match or raw body, a value that does not map)
-- is kept with its reason instead of being dropped. Nothing read from the source is lost.

begin;

create table content.import_run (
    import_id      bigint generated always as identity,
    source_path    text not null,
    source_sha256  text not null,
    status         text not null default 'running',
    started_at     timestamptz not null default now(),
    finished_at    timestamptz,
    counts         jsonb not null default '{}',
    constraint pk_import_run primary key (import_id),
    constraint ck_import_run__status check (status in ('running', 'completed', 'failed')),
    constraint ck_import_run__source_sha256 check (source_sha256 ~ '^[0-9a-f]{64}$'),
    constraint ck_import_run__finished check ((status = 'running') = (finished_at is null))
);
comment on table content.import_run is
    'One row per `lokdarpan-db import-sqlite` run. A run still ''running'' with nobody running it '
    'was interrupted (its load transaction rolled back, so none of its rows are in).';
comment on column content.import_run.source_sha256 is 'sha256 (hex) of the SQLite file that was read.';
comment on column content.import_run.counts is
    'Per source table: read, inserted, duplicate (already present or repeated in the file), rejected.';

create table content.import_reject (
    reject_id     bigint generated always as identity,
    import_id     bigint not null,
    source_table  text not null,
    source_key    text,
    reason        text not null,
    raw_row       jsonb not null,
    row_sha256    text not null,
    rejected_at   timestamptz not null default now(),
    constraint pk_import_reject primary key (reject_id),
    constraint uq_import_reject__source_table__row_sha256 unique (source_table, row_sha256),
    constraint fk_import_reject__import_id foreign key (import_id) references content.import_run (import_id),
    constraint ck_import_reject__source_table check (
        source_table in ('articles', 'raw_articles', 'keyword_article_matches', 'article_analysis_cache')),
    constraint ck_import_reject__row_sha256 check (row_sha256 ~ '^[0-9a-f]{64}$')
);
create index ix_import_reject__import_id on content.import_reject (import_id);

comment on table content.import_reject is
    'Source rows that were not loaded, with the reason (e.g. an orphan: the article it points at '
    'does not exist). One row per distinct source row, so re-running an import adds no copies.';
comment on column content.import_reject.source_table is 'SQLite table the row came from.';
comment on column content.import_reject.source_key is 'The row''s key in the source (uri, or article_uri and keyword ...), as text.';
comment on column content.import_reject.raw_row is
    'The source row as JSON: text as decoded, bytes that were not text as {"$bytes_hex": ...}.';
comment on column content.import_reject.row_sha256 is 'sha256 (hex) of raw_row''s canonical JSON; dedupes rejects across runs.';

commit;
