-- Deploy lokdarpan:demography/service_gap to pg
-- requires: demography/voter_segment
-- requires: core/ward
-- requires: core/app_user
-- Phase 3: service-gap analysis per ward (demand against supply of civic services) and
-- demographic insights that go through a review workflow and expire.

begin;

create table demography.service_gap_analysis (
    analysis_id   bigint generated always as identity constraint pk_service_gap_analysis primary key,
    ward_name     text not null constraint fk_service_gap_analysis__ward_name references core.ward (ward_name),
    service       text not null constraint fk_service_gap_analysis__service references demography.concern (concern),
    demand_score  numeric(5, 2) not null,
    supply_score  numeric(5, 2) not null,
    gap_score     numeric(6, 2) generated always as (demand_score - supply_score) stored,
    priority      text not null default 'medium',
    evidence      jsonb not null default '[]',
    analysed_at   timestamptz not null default now(),
    constraint uq_service_gap_analysis__ward_name__service__analysed_at unique (ward_name, service, analysed_at),
    constraint ck_service_gap_analysis__demand check (demand_score between 0 and 100),
    constraint ck_service_gap_analysis__supply check (supply_score between 0 and 100),
    constraint ck_service_gap_analysis__priority check (priority in ('low', 'medium', 'high', 'critical')),
    constraint ck_service_gap_analysis__evidence check (jsonb_typeof(evidence) = 'array')
);
create index ix_service_gap_analysis__service on demography.service_gap_analysis (service);
create index ix_service_gap_analysis__ward_name__gap_score on demography.service_gap_analysis (ward_name, gap_score desc);
comment on table demography.service_gap_analysis is
    'Gap between demand for and supply of a civic service in a ward, per analysis run.';
comment on column demography.service_gap_analysis.service is 'Civic service (demography.concern vocabulary).';
comment on column demography.service_gap_analysis.demand_score is 'Demand / need for the service, 0-100.';
comment on column demography.service_gap_analysis.supply_score is 'Provision of the service, 0-100.';
comment on column demography.service_gap_analysis.gap_score is 'demand_score - supply_score (-100..100); positive = under-served.';
comment on column demography.service_gap_analysis.evidence is 'jsonb array of evidence items (issue ids, survey refs, URLs).';

create table demography.demographic_insight (
    insight_id     bigint generated always as identity constraint pk_demographic_insight primary key,
    ward_name      text not null constraint fk_demographic_insight__ward_name references core.ward (ward_name),
    segment_id     bigint constraint fk_demographic_insight__segment_id references demography.voter_segment (segment_id),
    insight_type   text not null,
    insight_text   text not null,
    confidence     numeric(4, 3) not null,
    review_status  text not null default 'draft',
    created_by     bigint constraint fk_demographic_insight__created_by references core.app_user (user_id),
    reviewed_by    bigint constraint fk_demographic_insight__reviewed_by references core.app_user (user_id),
    reviewed_at    timestamptz,
    review_note    text,
    created_at     timestamptz not null default now(),
    expires_at     timestamptz not null,
    constraint ck_demographic_insight__type check (insight_type in
        ('trend', 'service_gap', 'engagement', 'issue_shift', 'opportunity', 'risk')),
    constraint ck_demographic_insight__text check (btrim(insight_text) <> ''),
    constraint ck_demographic_insight__confidence check (confidence between 0 and 1),
    constraint ck_demographic_insight__status check (review_status in
        ('draft', 'in_review', 'approved', 'rejected', 'archived')),
    constraint ck_demographic_insight__reviewed check (
        review_status not in ('approved', 'rejected') or (reviewed_by is not null and reviewed_at is not null)),
    constraint ck_demographic_insight__review_order check (reviewed_at >= created_at),
    constraint ck_demographic_insight__four_eyes check (reviewed_by <> created_by),
    constraint ck_demographic_insight__expiry check (expires_at > created_at)
);
create index ix_demographic_insight__ward_name__review_status__expires_at
    on demography.demographic_insight (ward_name, review_status, expires_at);
create index ix_demographic_insight__segment_id on demography.demographic_insight (segment_id);
create index ix_demographic_insight__created_by on demography.demographic_insight (created_by);
create index ix_demographic_insight__reviewed_by on demography.demographic_insight (reviewed_by);
comment on table demography.demographic_insight is
    'Insights about a ward (or segment) that must be reviewed before use and expire. Readers show '
    'approved insights whose expires_at is in the future.';
comment on column demography.demographic_insight.insight_type is 'trend, service_gap, engagement, issue_shift, opportunity or risk.';
comment on column demography.demographic_insight.confidence is 'Confidence of the insight, 0-1.';
comment on column demography.demographic_insight.review_status is
    'draft -> in_review -> approved | rejected (reviewer and time set), or archived.';
comment on column demography.demographic_insight.reviewed_by is 'Reviewer; never the author (four-eyes rule).';
comment on column demography.demographic_insight.expires_at is 'After this instant the insight is stale and must not be shown.';

commit;
