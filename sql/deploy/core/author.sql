-- Deploy lokdarpan:core/author to pg
-- requires: core/schema
-- Authors of posts, upserted by name during ingestion. Small and read-mostly: suitable as a
-- Citus reference table.

begin;

create table core.author (
    author_id   bigint generated always as identity constraint pk_author primary key,
    name        text not null,
    created_at  timestamptz not null default now(),
    constraint uq_author__name unique (name),
    constraint ck_author__name check (name = btrim(name) and name <> '' and char_length(name) <= 200)
);
comment on table core.author is 'Authors of posts; name is unique (trimmed, case kept).';

commit;
