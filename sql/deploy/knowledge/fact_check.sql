-- Deploy lokdarpan:knowledge/fact_check to pg
-- requires: knowledge/knowledge_base
-- requires: core/ward
-- requires: core/app_user
-- Phase 2: fact-check results for claims seen in a ward (verdict, confidence, evidence), linked
-- to the knowledge-base fact that settles them when there is one.

begin;

create table knowledge.fact_check_result (
    check_id      bigint generated always as identity constraint pk_fact_check_result primary key,
    claim_text    text not null,
    claimant      text,
    ward_name     text constraint fk_fact_check_result__ward_name references core.ward (ward_name),
    verdict       text not null,
    confidence    numeric(4, 3) not null,
    evidence      jsonb not null default '[]',
    fact_id       bigint constraint fk_fact_check_result__fact_id references knowledge.knowledge_base (fact_id),
    checked_by    bigint constraint fk_fact_check_result__checked_by references core.app_user (user_id),
    checked_at    timestamptz not null default now(),
    method        text not null default 'manual',
    constraint ck_fact_check_result__claim check (btrim(claim_text) <> ''),
    constraint ck_fact_check_result__verdict check (verdict in
        ('true', 'mostly_true', 'mixed', 'mostly_false', 'false', 'unverifiable')),
    constraint ck_fact_check_result__confidence check (confidence between 0 and 1),
    constraint ck_fact_check_result__evidence check (jsonb_typeof(evidence) = 'array'),
    constraint ck_fact_check_result__method check (method in ('manual', 'automated', 'hybrid'))
);
create index ix_fact_check_result__ward_name__checked_at on knowledge.fact_check_result (ward_name, checked_at desc);
create index ix_fact_check_result__fact_id on knowledge.fact_check_result (fact_id);
create index ix_fact_check_result__checked_by on knowledge.fact_check_result (checked_by);
comment on table knowledge.fact_check_result is
    'Fact checks of claims (by opponents, media, social posts) with verdict, confidence and evidence.';
comment on column knowledge.fact_check_result.claimant is 'Who made the claim (party, outlet or handle), as published.';
comment on column knowledge.fact_check_result.ward_name is 'Ward where the claim circulates (core.ward); NULL for city-wide.';
comment on column knowledge.fact_check_result.verdict is 'true, mostly_true, mixed, mostly_false, false or unverifiable.';
comment on column knowledge.fact_check_result.confidence is 'Confidence in the verdict, 0-1.';
comment on column knowledge.fact_check_result.evidence is 'jsonb array of evidence items (URLs, document ids, quotes).';
comment on column knowledge.fact_check_result.fact_id is 'Knowledge-base fact that settles the claim, if any.';
comment on column knowledge.fact_check_result.method is 'manual, automated or hybrid.';

commit;
