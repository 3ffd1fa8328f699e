-- Deploy lokdarpan:ai/geopolitical_report to pg
-- requires: ai/schema
-- requires: core/app_user
-- requires: core/ward
-- Generated geopolitical reports with their lifecycle (queued -> processing -> completed /
-- failed / cancelled), content sections as jsonb, sources, cost, quality, access counts and
-- archive flags. The seeds' "cleanup candidates" partial index used NOW() in its predicate,
-- which PostgreSQL refuses; stale reports are found by a plain index on the access dates.

begin;

create table ai.geopolitical_report (
    report_id                 bigint generated always as identity constraint pk_geopolitical_report primary key,
    report_uuid               uuid not null default gen_random_uuid(),
    user_id                   bigint not null,
    query_text                text not null,
    query_hash                bytea generated always as (core.text_sha256(query_text)) stored,
    ward_context              text,
    region_context            text not null default 'hyderabad',
    analysis_depth            text not null default 'standard',
    strategic_context         text not null default 'neutral',
    status                    text not null default 'queued',
    processing_stage          text,
    priority_level            text not null default 'normal',
    estimated_cost_usd        numeric(20, 10),
    report_title              text,
    executive_summary         text,
    key_findings              jsonb not null default '[]'::jsonb,
    timeline_analysis         jsonb not null default '{}'::jsonb,
    strategic_implications    jsonb not null default '{}'::jsonb,
    scenario_analysis         jsonb not null default '{}'::jsonb,
    recommendations           jsonb not null default '[]'::jsonb,
    full_report_markdown      text,
    report_metadata           jsonb not null default '{}'::jsonb,
    source_urls               jsonb not null default '[]'::jsonb,
    citation_count            integer not null default 0,
    evidence_quality_score    real,
    fact_check_results        jsonb,
    credibility_assessment    jsonb,
    models_used               jsonb not null default '[]'::jsonb,
    total_cost_usd            numeric(20, 10),
    cost_breakdown            jsonb,
    processing_time_ms        numeric(14, 3),
    total_tokens_used         bigint,
    confidence_score          real,
    quality_indicators        jsonb,
    human_review_status       text,
    user_feedback             jsonb,
    requested_at              timestamptz not null default now(),
    started_processing_at     timestamptz,
    completed_at              timestamptz,
    last_accessed_at          timestamptz,
    expires_at                timestamptz,
    access_count              integer not null default 0,
    download_count            integer not null default 0,
    shared_count              integer not null default 0,
    is_archived               boolean not null default false,
    archive_reason            text,
    archived_at               timestamptz,
    constraint uq_geopolitical_report__report_uuid unique (report_uuid),
    constraint fk_geopolitical_report__user_id foreign key (user_id)
        references core.app_user (user_id) on delete cascade,
    constraint fk_geopolitical_report__ward_context foreign key (ward_context)
        references core.ward (ward_name) on update cascade,
    constraint ck_geopolitical_report__query_text check (btrim(query_text) <> ''),
    constraint ck_geopolitical_report__analysis_depth check (analysis_depth in ('quick', 'standard', 'deep')),
    constraint ck_geopolitical_report__strategic_context check (
        strategic_context in ('neutral', 'offensive', 'defensive')),
    constraint ck_geopolitical_report__status check (
        status in ('queued', 'processing', 'completed', 'failed', 'cancelled')),
    constraint ck_geopolitical_report__priority_level check (priority_level in ('low', 'normal', 'high', 'critical')),
    constraint ck_geopolitical_report__lifecycle check (
        (status <> 'completed' or completed_at is not null)
        and (status not in ('processing', 'completed') or started_processing_at is not null)
        and started_processing_at >= requested_at and completed_at >= requested_at),
    constraint ck_geopolitical_report__sections check (
        jsonb_typeof(key_findings) = 'array' and jsonb_typeof(recommendations) = 'array'
        and jsonb_typeof(source_urls) = 'array' and jsonb_typeof(models_used) = 'array'
        and jsonb_typeof(timeline_analysis) = 'object' and jsonb_typeof(strategic_implications) = 'object'
        and jsonb_typeof(scenario_analysis) = 'object' and jsonb_typeof(report_metadata) = 'object'),
    constraint ck_geopolitical_report__cost check (estimated_cost_usd >= 0 and total_cost_usd >= 0),
    constraint ck_geopolitical_report__scores check (evidence_quality_score between 0 and 1
                                                     and confidence_score between 0 and 1),
    constraint ck_geopolitical_report__counts check (citation_count >= 0 and access_count >= 0
                                                     and download_count >= 0 and shared_count >= 0),
    constraint ck_geopolitical_report__human_review_status check (
        human_review_status in ('pending', 'approved', 'rejected', 'needs_changes')),
    constraint ck_geopolitical_report__archive check (is_archived = (archived_at is not null)
                                                      and (is_archived or archive_reason is null))
);
comment on table ai.geopolitical_report is
    'AI-generated geopolitical reports: request, lifecycle, jsonb sections, sources, cost, '
    'quality, access counts; archived (never deleted) by ai.ai_cleanup_expired_data.';
comment on column ai.geopolitical_report.query_hash is 'sha256 of query_text, to find repeated requests.';
comment on column ai.geopolitical_report.status is 'Lifecycle: queued, processing, completed, failed, cancelled.';
comment on column ai.geopolitical_report.key_findings is 'Section: findings (jsonb array).';
comment on column ai.geopolitical_report.timeline_analysis is 'Section: timeline (jsonb object).';
comment on column ai.geopolitical_report.strategic_implications is 'Section: strategic implications (jsonb object).';
comment on column ai.geopolitical_report.scenario_analysis is 'Section: scenarios (jsonb object).';
comment on column ai.geopolitical_report.recommendations is 'Section: recommendations (jsonb array).';
comment on column ai.geopolitical_report.source_urls is 'Sources cited (jsonb array of URLs or objects).';
comment on column ai.geopolitical_report.total_cost_usd is 'Dollars spent generating the report (exact).';
comment on column ai.geopolitical_report.confidence_score is 'Model confidence in [0, 1].';
comment on column ai.geopolitical_report.expires_at is 'After this instant the report is archived by cleanup.';
comment on column ai.geopolitical_report.archive_reason is 'Why it was archived: expired, stale (rarely read) or a manual reason.';

create index ix_geopolitical_report__user_id__status__requested_at
    on ai.geopolitical_report (user_id, status, requested_at);  -- full, so it also serves the foreign key
create index ix_geopolitical_report__ward_context__completed_at
    on ai.geopolitical_report (ward_context, completed_at);  -- full, so it also serves the foreign key
create index ix_geopolitical_report__query_hash on ai.geopolitical_report (query_hash);
create index ix_geopolitical_report__expires_at on ai.geopolitical_report (expires_at) where not is_archived;
create index ix_geopolitical_report__last_accessed_at on ai.geopolitical_report (last_accessed_at) where not is_archived;

commit;
