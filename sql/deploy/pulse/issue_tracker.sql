-- Deploy lokdarpan:pulse/issue_tracker to pg
-- requires: pulse/schema
-- requires: core/ward
-- requires: core/vocabulary
-- requires: core/touch_updated_at
-- Phase 1: point-in-time sentiment snapshots per ward and the issue tracker (what a ward is
-- talking about, how severe, whether it is resolved, first and last activity).

begin;

create table pulse.sentiment_snapshot (
    snapshot_id       bigint generated always as identity constraint pk_sentiment_snapshot primary key,
    ward_name         text not null constraint fk_sentiment_snapshot__ward_name references core.ward (ward_name),
    captured_at       timestamptz not null default now(),
    window_start      timestamptz not null,
    window_end        timestamptz not null,
    post_count        integer not null default 0,
    emotion_counts    jsonb not null default '{}',
    dominant_emotion  text constraint fk_sentiment_snapshot__dominant_emotion references core.emotion (emotion),
    sentiment_score   numeric(5, 4),
    party_mentions    jsonb not null default '{}',
    constraint ck_sentiment_snapshot__window check (window_start < window_end),
    constraint ck_sentiment_snapshot__posts check (post_count >= 0),
    constraint ck_sentiment_snapshot__score check (sentiment_score between -1 and 1),
    constraint ck_sentiment_snapshot__emotions check (jsonb_typeof(emotion_counts) = 'object'),
    constraint ck_sentiment_snapshot__parties check (jsonb_typeof(party_mentions) = 'object')
);
create index ix_sentiment_snapshot__ward_name__captured_at on pulse.sentiment_snapshot (ward_name, captured_at desc);
create index ix_sentiment_snapshot__dominant_emotion on pulse.sentiment_snapshot (dominant_emotion);
comment on table pulse.sentiment_snapshot is
    'Point-in-time sentiment of a ward over a window [window_start, window_end), kept for '
    'before/after comparisons (latest per ward via ix_sentiment_snapshot__ward_name__captured_at).';
comment on column pulse.sentiment_snapshot.emotion_counts is
    'jsonb object canonical emotion -> post count, e.g. {"positive": 12, "negative": 30}.';
comment on column pulse.sentiment_snapshot.dominant_emotion is 'Most frequent canonical emotion (core.emotion) of the window.';
comment on column pulse.sentiment_snapshot.sentiment_score is 'Mean sentiment of the window in -1..1.';
comment on column pulse.sentiment_snapshot.party_mentions is 'jsonb object canonical party -> mention count.';

create table pulse.issue_tracker (
    issue_id           bigint generated always as identity constraint pk_issue_tracker primary key,
    ward_name          text not null constraint fk_issue_tracker__ward_name references core.ward (ward_name),
    issue_key          text not null,
    title              text not null,
    category           text not null default 'other',
    severity           text not null default 'medium',
    resolution_status  text not null default 'open',
    mention_count      integer not null default 0,
    first_seen_at      timestamptz not null,
    last_seen_at       timestamptz not null,
    resolved_at        timestamptz,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    constraint uq_issue_tracker__ward_name__issue_key unique (ward_name, issue_key),
    constraint ck_issue_tracker__issue_key check (issue_key ~ '^[a-z0-9][a-z0-9_]*$'),
    constraint ck_issue_tracker__category check (category in (
        'water_supply', 'sanitation', 'drainage', 'roads', 'traffic', 'street_lighting',
        'garbage_collection', 'public_transport', 'healthcare', 'education', 'electricity',
        'housing', 'safety', 'environment', 'governance', 'other')),
    constraint ck_issue_tracker__severity check (severity in ('low', 'medium', 'high', 'critical')),
    constraint ck_issue_tracker__status check (resolution_status in
        ('open', 'monitoring', 'in_progress', 'resolved', 'dismissed')),
    constraint ck_issue_tracker__mentions check (mention_count >= 0),
    constraint ck_issue_tracker__activity check (first_seen_at <= last_seen_at),
    constraint ck_issue_tracker__resolved check (
        (resolution_status = 'resolved') = (resolved_at is not null) and resolved_at >= first_seen_at)
);
create index ix_issue_tracker__ward_name__resolution_status__severity
    on pulse.issue_tracker (ward_name, resolution_status, severity);
create index ix_issue_tracker__last_seen_at on pulse.issue_tracker (last_seen_at desc);
create trigger tg_issue_tracker__touch_updated_at
    before update on pulse.issue_tracker
    for each row execute function core.tg__touch_updated_at();
comment on table pulse.issue_tracker is
    'Issues raised in a ward (one row per ward and issue key): category, severity, resolution '
    'status, mentions and first / last activity.';
comment on column pulse.issue_tracker.issue_key is
    'Normalised issue key (lower snake case), the same strings as ward_sentiment_timeseries.top_issues.';
comment on column pulse.issue_tracker.severity is 'low, medium, high or critical.';
comment on column pulse.issue_tracker.resolution_status is
    'open, monitoring, in_progress, resolved (resolved_at set) or dismissed.';
comment on column pulse.issue_tracker.mention_count is 'Posts mentioning the issue since first_seen_at.';
comment on column pulse.issue_tracker.resolved_at is 'When the issue was resolved; set exactly when resolution_status = resolved.';

commit;
