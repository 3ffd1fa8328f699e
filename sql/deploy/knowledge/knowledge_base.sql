-- Deploy lokdarpan:knowledge/knowledge_base to pg
-- requires: knowledge/schema
-- requires: core/ward
-- requires: core/app_user
-- requires: core/touch_updated_at
-- Phase 2 (political strategist): the knowledge base of facts the campaign may cite, with
-- content type, credibility, verification status and validity window. Talking points may only
-- cite facts that are verified and unexpired (enforced in knowledge/talking_points).

begin;

create table knowledge.knowledge_base (
    fact_id              bigint generated always as identity constraint pk_knowledge_base primary key,
    title                text not null,
    content              text not null,
    content_type         text not null,
    ward_name            text constraint fk_knowledge_base__ward_name references core.ward (ward_name),
    source_name          text,
    source_url           text,
    credibility_score    numeric(5, 2) not null default 50,
    verification_status  text not null default 'unverified',
    verified_by          bigint constraint fk_knowledge_base__verified_by references core.app_user (user_id),
    verified_at          timestamptz,
    valid_from           timestamptz not null default now(),
    expires_at           timestamptz,
    tags                 text[] not null default '{}',
    metadata             jsonb not null default '{}',
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint ck_knowledge_base__title check (btrim(title) <> ''),
    constraint ck_knowledge_base__content check (btrim(content) <> ''),
    constraint ck_knowledge_base__content_type check (content_type in
        ('fact', 'statistic', 'policy', 'scheme', 'event', 'quote', 'manifesto_promise', 'rebuttal')),
    constraint ck_knowledge_base__credibility check (credibility_score between 0 and 100),
    constraint ck_knowledge_base__verification check (verification_status in
        ('unverified', 'pending', 'verified', 'disputed', 'false')),
    constraint ck_knowledge_base__verified check (
        verification_status <> 'verified' or (verified_at is not null and verified_by is not null)),
    constraint ck_knowledge_base__validity check (expires_at > valid_from),
    constraint ck_knowledge_base__metadata check (jsonb_typeof(metadata) = 'object')
);
create index ix_knowledge_base__ward_name__verification_status on knowledge.knowledge_base (ward_name, verification_status);
create index ix_knowledge_base__verification_status__expires_at on knowledge.knowledge_base (verification_status, expires_at);
create index ix_knowledge_base__verified_by on knowledge.knowledge_base (verified_by);
create index ix_knowledge_base__tags on knowledge.knowledge_base using gin (tags);
create trigger tg_knowledge_base__touch_updated_at
    before update on knowledge.knowledge_base
    for each row execute function core.tg__touch_updated_at();

comment on table knowledge.knowledge_base is
    'Facts the campaign may cite: content type, credibility, verification and validity window. '
    'Only verified, unexpired facts can be cited by a talking-points generation.';
comment on column knowledge.knowledge_base.content_type is
    'fact, statistic, policy, scheme, event, quote, manifesto_promise or rebuttal.';
comment on column knowledge.knowledge_base.ward_name is 'Ward the fact is about (core.ward); NULL for city-wide facts.';
comment on column knowledge.knowledge_base.credibility_score is 'Credibility of the source, 0 (none) to 100 (official record).';
comment on column knowledge.knowledge_base.verification_status is
    'unverified, pending, verified (verified_by and verified_at set), disputed or false.';
comment on column knowledge.knowledge_base.verified_at is 'When the fact was verified; a generation before this instant may not cite it.';
comment on column knowledge.knowledge_base.valid_from is 'Start of validity; a generation before this instant may not cite the fact.';
comment on column knowledge.knowledge_base.expires_at is 'End of validity (exclusive); NULL = does not expire.';
comment on column knowledge.knowledge_base.tags is 'Free topic tags (GIN-indexed).';
comment on column knowledge.knowledge_base.metadata is 'jsonb object of source-specific attributes.';

commit;
