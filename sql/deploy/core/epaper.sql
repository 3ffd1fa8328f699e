-- Deploy lokdarpan:core/epaper to pg
-- requires: core/ward
-- requires: core/vocabulary
-- requires: core/text_sha256
-- E-paper editions per publication and date. The sha256 of the raw text is unique, so a
-- re-sent e-paper is recognised and reused instead of stored twice.

begin;

create table core.epaper (
    epaper_id         bigint generated always as identity constraint pk_epaper primary key,
    publication_name  text not null,
    publication_date  date not null,
    raw_text          text not null,
    raw_text_sha256   bytea not null generated always as (core.text_sha256(raw_text)) stored,
    city              text constraint fk_epaper__city references core.ward (ward_name),
    party             text constraint fk_epaper__party references core.party (party),
    created_at        timestamptz not null default now(),
    constraint uq_epaper__raw_text_sha256 unique (raw_text_sha256),
    constraint ck_epaper__publication check (btrim(publication_name) <> '')
);
create index ix_epaper__city on core.epaper (city);
create index ix_epaper__party on core.epaper (party);
create index ix_epaper__publication_date on core.epaper (publication_date);

comment on table core.epaper is 'E-paper editions; deduplicated by the sha256 of their raw text.';
comment on column core.epaper.raw_text_sha256 is
    'sha256 of the UTF-8 bytes of raw_text (core.text_sha256); unique.';
comment on column core.epaper.city is 'Ward the edition is about (core.ward.ward_name), if any.';

commit;
