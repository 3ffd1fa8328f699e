-- Deploy lokdarpan:ai/model_execution to pg
-- requires: ai/schema
-- requires: core/partition
-- requires: core/app_user
-- One row per call to an AI model: request tracing, tokens, latency parts and an exact cost
-- (numeric(20,10): micro-dollar costs add up without rounding). It is an append-only log that
-- grows without bound, so it is range-partitioned by month on created_at (core.partition_policy)
-- and old months are dropped whole by ai.ai_cleanup_expired_data, never row-deleted.

begin;

create sequence ai.model_execution_execution_id_seq as bigint;
comment on sequence ai.model_execution_execution_id_seq is 'Ids of ai.model_execution (partitioned tables take no identity on PostgreSQL 15/16).';

create table ai.model_execution (
    execution_id        bigint not null default nextval('ai.model_execution_execution_id_seq'),
    created_at          timestamptz not null default now(),
    request_id          text not null,
    parent_request_id   text,
    user_id             bigint,
    session_id          text,
    operation_type      text not null,
    operation_subtype   text,
    priority_level      text not null default 'normal',
    provider            text not null,
    model_name          text not null,
    model_version       text,
    input_tokens        integer not null default 0,
    output_tokens       integer not null default 0,
    total_tokens        integer generated always as (input_tokens + output_tokens) stored,
    cached_tokens       integer not null default 0,
    queue_time_ms       numeric(12, 3),
    ttfb_ms             numeric(12, 3),
    processing_time_ms  numeric(12, 3),
    latency_ms          numeric(12, 3),
    cost_usd            numeric(20, 10) not null default 0,
    cost_breakdown      jsonb,
    budget_category     text,
    status              text not null,
    error_code          text,
    error_message       text,
    retry_count         integer not null default 0,
    quality_score       real,
    request_metadata    jsonb,
    response_metadata   jsonb,
    completed_at        timestamptz,
    constraint pk_model_execution primary key (execution_id, created_at),
    constraint fk_model_execution__user_id foreign key (user_id)
        references core.app_user (user_id) on delete set null,
    constraint ck_model_execution__request_id check (btrim(request_id) <> ''),
    constraint ck_model_execution__operation_type check (operation_type in (
        'report_generation', 'embedding', 'retrieval', 'summarisation', 'classification',
        'translation', 'chat', 'other')),
    constraint ck_model_execution__priority_level check (priority_level in ('low', 'normal', 'high', 'critical')),
    constraint ck_model_execution__provider check (provider in (
        'openai', 'anthropic', 'perplexity', 'google', 'local', 'other')),
    constraint ck_model_execution__tokens check (input_tokens >= 0 and output_tokens >= 0
                                                 and cached_tokens between 0 and input_tokens),
    constraint ck_model_execution__latency check (queue_time_ms >= 0 and ttfb_ms >= 0
                                                  and processing_time_ms >= 0 and latency_ms >= 0),
    constraint ck_model_execution__cost check (cost_usd >= 0),
    constraint ck_model_execution__status check (status in (
        'success', 'error', 'timeout', 'rate_limited', 'cancelled')),
    constraint ck_model_execution__error check (status = 'success' or error_code is not null
                                                or error_message is not null),
    constraint ck_model_execution__retry_count check (retry_count >= 0),
    constraint ck_model_execution__quality check (quality_score between 0 and 1),
    constraint ck_model_execution__completed_at check (completed_at >= created_at)
) partition by range (created_at);
alter sequence ai.model_execution_execution_id_seq owned by ai.model_execution.execution_id;

create table ai.model_execution_default partition of ai.model_execution default;
comment on table ai.model_execution_default is
    'Default partition of ai.model_execution: rows whose month has no partition yet; '
    'maintenance moves them out. Should normally be empty.';

create index ix_model_execution__user_id__created_at on ai.model_execution (user_id, created_at);
create index ix_model_execution__request_id on ai.model_execution (request_id);
create index ix_model_execution__parent_request_id on ai.model_execution (parent_request_id)
    where parent_request_id is not null;
create index ix_model_execution__provider__model_name__created_at
    on ai.model_execution (provider, model_name, created_at);
create index ix_model_execution__operation_type__status__created_at
    on ai.model_execution (operation_type, status, created_at);

comment on table ai.model_execution is
    'One row per AI model call, partitioned by month of created_at (ai.model_execution_pYYYY_MM '
    'plus a default partition). Inserting a row adds its cost to the matching budgets '
    '(ai.budget_tracker) in the same transaction.';
comment on column ai.model_execution.request_id is 'Request id for distributed tracing (e.g. a UUID).';
comment on column ai.model_execution.parent_request_id is 'Request that caused this one (request chains).';
comment on column ai.model_execution.provider is 'The service billed: openai, anthropic, perplexity, google, local or other.';
comment on column ai.model_execution.total_tokens is 'input_tokens + output_tokens (generated).';
comment on column ai.model_execution.cached_tokens is 'Input tokens served from the provider''s prompt cache.';
comment on column ai.model_execution.queue_time_ms is 'Milliseconds waiting before the call was sent.';
comment on column ai.model_execution.ttfb_ms is 'Milliseconds to the first byte of the response.';
comment on column ai.model_execution.processing_time_ms is 'Milliseconds from sending the call to the full response.';
comment on column ai.model_execution.latency_ms is 'End-to-end milliseconds as seen by the caller.';
comment on column ai.model_execution.cost_usd is 'Cost of the call in US dollars, exact to 1e-10.';
comment on column ai.model_execution.budget_category is 'Free-form cost category for reports.';
comment on column ai.model_execution.status is 'success, error, timeout, rate_limited or cancelled.';
comment on column ai.model_execution.quality_score is 'Quality of the output in [0, 1], when assessed.';

insert into core.partition_policy (parent_schema, parent_table, months_ahead, months_behind)
values ('ai', 'model_execution', 3, 1);
select count(*) from core.ensure_partitions(now(), 'ai.model_execution'::regclass);

commit;
