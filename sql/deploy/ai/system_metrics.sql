-- Deploy lokdarpan:ai/system_metrics to pg
-- requires: ai/schema
-- Aggregated health, cost, quality and usage metrics of the AI system per period, with the
-- thresholds they are judged against. Small (one row per metric per period), so a plain table
-- with row retention is enough.

begin;

create table ai.system_metrics (
    metric_id           bigint generated always as identity constraint pk_system_metrics primary key,
    metric_name         text not null,
    metric_category     text not null,
    metric_scope        text not null,
    scope_identifier    text,
    metric_value        double precision not null,
    metric_unit         text,
    baseline_value      double precision,
    threshold_warning   double precision,
    threshold_critical  double precision,
    period_start        timestamptz not null,
    period_end          timestamptz not null,
    aggregation_type    text not null,
    sample_count        bigint,
    metadata            jsonb not null default '{}'::jsonb,
    tags                jsonb not null default '[]'::jsonb,
    created_at          timestamptz not null default now(),
    constraint ck_system_metrics__metric_name check (metric_name ~ '^[a-z][a-z0-9_.]*$'),
    constraint ck_system_metrics__metric_category check (metric_category in ('performance', 'cost', 'quality', 'usage')),
    constraint ck_system_metrics__metric_scope check (metric_scope in ('system', 'service', 'user', 'operation', 'ward')),
    constraint ck_system_metrics__metric_unit check (metric_unit in ('ms', 'usd', 'count', 'percent', 'ratio', 'tokens', 'bytes')),
    constraint ck_system_metrics__period check (period_end >= period_start),
    constraint ck_system_metrics__aggregation_type check (
        aggregation_type in ('avg', 'max', 'min', 'sum', 'count', 'p50', 'p95', 'p99')),
    constraint ck_system_metrics__sample_count check (sample_count >= 0),
    constraint ck_system_metrics__metric_value check (metric_value = metric_value),
    constraint ck_system_metrics__jsonb check (jsonb_typeof(metadata) = 'object' and jsonb_typeof(tags) = 'array')
);
comment on table ai.system_metrics is
    'AI system metrics per period (performance, cost, quality, usage) with warning/critical '
    'thresholds. Rows older than the retention are deleted by ai.ai_cleanup_expired_data.';
comment on column ai.system_metrics.scope_identifier is 'The service, user, operation or ward the metric is about (per metric_scope).';
comment on column ai.system_metrics.metric_value is 'The value, in metric_unit (NaN refused).';
comment on column ai.system_metrics.baseline_value is 'Expected value, for trend comparison.';
comment on column ai.system_metrics.aggregation_type is 'How the samples of the period were aggregated: avg, max, min, sum, count, p50, p95, p99.';

create index ix_system_metrics__metric_name__metric_scope__created_at
    on ai.system_metrics (metric_name, metric_scope, created_at);
create index ix_system_metrics__created_at on ai.system_metrics (created_at);

commit;
