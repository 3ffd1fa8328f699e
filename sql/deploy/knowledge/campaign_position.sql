-- Deploy lokdarpan:knowledge/campaign_position to pg
-- requires: knowledge/knowledge_base
-- requires: core/ward
-- requires: core/vocabulary
-- requires: core/app_user
-- requires: core/touch_updated_at
-- Phase 2: the positions parties take on topics (city-wide or per ward), with the period they
-- held them and the evidence, so talking points and rebuttals stay consistent.

begin;

create table knowledge.campaign_position (
    position_id        bigint generated always as identity constraint pk_campaign_position primary key,
    party              text not null constraint fk_campaign_position__party references core.party (party),
    ward_name          text constraint fk_campaign_position__ward_name references core.ward (ward_name),
    topic              text not null,
    stance             text not null,
    statement          text not null,
    source_url         text,
    evidence_fact_id   bigint constraint fk_campaign_position__evidence_fact_id references knowledge.knowledge_base (fact_id),
    effective_from     timestamptz not null default now(),
    effective_to       timestamptz,
    created_by         bigint constraint fk_campaign_position__created_by references core.app_user (user_id),
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    constraint ck_campaign_position__topic check (topic ~ '^[a-z0-9][a-z0-9_]*$'),
    constraint ck_campaign_position__stance check (stance in
        ('support', 'oppose', 'neutral', 'conditional', 'ambiguous')),
    constraint ck_campaign_position__statement check (btrim(statement) <> ''),
    constraint ck_campaign_position__period check (effective_to > effective_from)
);
create index ix_campaign_position__party__topic on knowledge.campaign_position (party, topic);
create index ix_campaign_position__ward_name__topic on knowledge.campaign_position (ward_name, topic);
create index ix_campaign_position__evidence_fact_id on knowledge.campaign_position (evidence_fact_id);
create index ix_campaign_position__created_by on knowledge.campaign_position (created_by);
create trigger tg_campaign_position__touch_updated_at
    before update on knowledge.campaign_position
    for each row execute function core.tg__touch_updated_at();
comment on table knowledge.campaign_position is
    'A party''s position on a topic, city-wide (ward_name NULL) or in one ward, over a period.';
comment on column knowledge.campaign_position.party is 'Canonical party (core.party).';
comment on column knowledge.campaign_position.topic is 'Topic key in lower snake case (e.g. musi_rejuvenation).';
comment on column knowledge.campaign_position.stance is 'support, oppose, neutral, conditional or ambiguous.';
comment on column knowledge.campaign_position.evidence_fact_id is 'Knowledge-base fact documenting the position, if any.';
comment on column knowledge.campaign_position.effective_to is 'End of the period (exclusive); NULL while current.';

commit;
