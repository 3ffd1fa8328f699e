-- Deploy lokdarpan:ingest/batch to pg
-- requires: ingest/schema
-- Every ingest batch leaves a row saying where its lines came from and what became of each
-- (inserted, duplicate, rejected), and every rejected line is quarantined with its raw text and
-- a reason: nothing read is ever lost without a trace.

begin;

create table ingest.batch (
    batch_id        bigint generated always as identity constraint pk_batch primary key,
    kind            text not null,
    source_file     text not null,
    source_sha256   text,
    first_line      bigint not null,
    last_line       bigint not null,
    byte_from       bigint,
    byte_to         bigint,
    lines_read      integer not null default 0,
    inserted        integer not null default 0,
    duplicates      integer not null default 0,
    rejected        integer not null default 0,
    status          text not null default 'running',
    dry_run         boolean not null default false,
    started_at      timestamptz not null default clock_timestamp(),
    finished_at     timestamptz,
    timings         jsonb not null default '{}',
    error           text,
    constraint ck_batch__kind check (kind in ('posts', 'epapers')),
    constraint ck_batch__status check (status in ('running', 'committed', 'failed')),
    constraint ck_batch__lines check (last_line >= first_line - 1),
    constraint ck_batch__accounted check (status <> 'committed'
                                          or lines_read = inserted + duplicates + rejected),
    constraint ck_batch__sha check (source_sha256 ~ '^[0-9a-f]{64}$')
);
create index ix_batch__source_sha256 on ingest.batch (source_sha256);
create index ix_batch__started_at on ingest.batch (started_at);

comment on table ingest.batch is
    'One row per ingest batch (a line range of one file). A committed batch always satisfies '
    'lines_read = inserted + duplicates + rejected (ck_batch__accounted).';
comment on column ingest.batch.source_sha256 is 'sha256 (hex) of the source file as read (compressed bytes for .gz).';
comment on column ingest.batch.first_line is '1-based number of the first line of the file in this batch.';
comment on column ingest.batch.byte_from is 'Offset of the batch''s first byte in the (decompressed) file.';
comment on column ingest.batch.duplicates is 'Valid lines whose post/e-paper was already stored (or repeated in the batch).';
comment on column ingest.batch.timings is 'Milliseconds per phase: parse, copy, merge, commit.';
comment on column ingest.batch.status is
    'running while the batch transaction is open (never visible to others), committed, or failed '
    '(recorded in its own transaction after a rollback: nothing of the batch was kept).';

create table ingest.reject (
    reject_id    bigint generated always as identity constraint pk_reject primary key,
    batch_id     bigint not null constraint fk_reject__batch_id references ingest.batch (batch_id) on delete cascade,
    line_no      bigint not null,
    reason_code  text not null,
    detail       text,
    raw_line     text not null,
    raw_bytes    bytea,
    created_at   timestamptz not null default now(),
    constraint ck_reject__reason check (reason_code in (
        'malformed_json', 'malformed_csv', 'not_an_object', 'invalid_utf8', 'nul_byte',
        'truncated_line', 'missing_text', 'empty_text', 'too_long', 'bad_type', 'bad_timestamp',
        'out_of_window', 'unknown_ward', 'unknown_party', 'unknown_epaper', 'missing_field'))
);
create index ix_reject__batch_id on ingest.reject (batch_id, line_no);
create index ix_reject__reason_code on ingest.reject (reason_code);

comment on table ingest.reject is
    'Quarantine: one row per input line that was not ingested, with its raw text and why.';
comment on column ingest.reject.raw_line is
    'The line as read; bytes that are not UTF-8 text (or NUL) are shown as backslash escapes.';
comment on column ingest.reject.raw_bytes is 'The exact bytes of the line when raw_line cannot hold them.';
comment on column ingest.reject.reason_code is 'Why the line was rejected (see ck_reject__reason and docs).';

commit;
