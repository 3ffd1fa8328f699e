-- Deploy lokdarpan:ai/budget_tracker to pg
-- requires: ai/model_execution
-- AI spend control. A budget covers a period [period_start, period_end); every model execution
-- inserted into ai.model_execution adds its exact cost and counters to each budget whose
-- period contains it, in the inserting transaction (statement trigger over the transition
-- table, budget rows locked in id order so concurrent recorders serialise without deadlocks
-- and spend is exactly the sum of recorded costs). The status follows spend / total:
-- normal, warning (>= warning_ratio), critical (>= critical_ratio), exceeded (>= total);
-- reaching the total opens the circuit breaker. ai.can_spend tells a caller whether it may
-- spend now; only 'critical' priority work may use the emergency budget while it is open.

begin;

create table ai.budget_tracker (
    budget_id                bigint generated always as identity constraint pk_budget_tracker primary key,
    period_type              text not null,
    period_identifier        text not null,
    period_start             timestamptz not null,
    period_end               timestamptz not null,
    total_budget_usd         numeric(14, 2) not null,
    emergency_budget_usd     numeric(14, 2) not null default 0,
    warning_ratio            numeric(5, 4) not null default 0.75,
    critical_ratio           numeric(5, 4) not null default 0.90,
    allocated_by_service     jsonb not null default '{}'::jsonb,
    allocated_by_operation   jsonb not null default '{}'::jsonb,
    current_spend_usd        numeric(20, 10) not null default 0,
    spend_by_service         jsonb not null default '{}'::jsonb,
    spend_by_operation       jsonb not null default '{}'::jsonb,
    spend_by_user            jsonb not null default '{}'::jsonb,
    request_count            bigint not null default 0,
    successful_requests      bigint not null default 0,
    failed_requests          bigint not null default 0,
    total_tokens_processed   bigint not null default 0,
    cached_tokens            bigint not null default 0,
    budget_status            text not null default 'normal',
    status_changed_at        timestamptz,
    circuit_breaker_active   boolean not null default false,
    circuit_opened_at        timestamptz,
    created_at               timestamptz not null default now(),
    updated_at               timestamptz not null default now(),
    last_calculation_at      timestamptz,
    constraint uq_budget_tracker__period_type__period_identifier unique (period_type, period_identifier),
    constraint ck_budget_tracker__period_type check (period_type in ('daily', 'weekly', 'monthly', 'campaign')),
    constraint ck_budget_tracker__period check (period_end > period_start),
    constraint ck_budget_tracker__total check (total_budget_usd > 0),
    constraint ck_budget_tracker__emergency check (emergency_budget_usd >= 0),
    constraint ck_budget_tracker__ratios check (0 < warning_ratio and warning_ratio < critical_ratio
                                                and critical_ratio <= 1),
    constraint ck_budget_tracker__spend check (current_spend_usd >= 0),
    constraint ck_budget_tracker__counts check (request_count = successful_requests + failed_requests
                                                and successful_requests >= 0 and failed_requests >= 0),
    constraint ck_budget_tracker__status check (budget_status in ('normal', 'warning', 'critical', 'exceeded')),
    constraint ck_budget_tracker__jsonb check (jsonb_typeof(allocated_by_service) = 'object'
                                               and jsonb_typeof(allocated_by_operation) = 'object'
                                               and jsonb_typeof(spend_by_service) = 'object'
                                               and jsonb_typeof(spend_by_operation) = 'object'
                                               and jsonb_typeof(spend_by_user) = 'object')
);
comment on table ai.budget_tracker is
    'AI budgets per period with the spend recorded from ai.model_execution, a status and a '
    'circuit breaker. Several budgets may cover one instant (a day inside a month): each is charged.';
comment on column ai.budget_tracker.period_identifier is 'Label of the period, e.g. 2026-11, 2026-W47, campaign-2026.';
comment on column ai.budget_tracker.period_end is 'Exclusive end of the period.';
comment on column ai.budget_tracker.total_budget_usd is 'Budget in US dollars; reaching it sets status exceeded and opens the circuit breaker.';
comment on column ai.budget_tracker.emergency_budget_usd is 'Extra dollars only critical-priority work may spend once the breaker is open.';
comment on column ai.budget_tracker.warning_ratio is 'spend / total from which the status is warning.';
comment on column ai.budget_tracker.critical_ratio is 'spend / total from which the status is critical.';
comment on column ai.budget_tracker.allocated_by_service is 'Optional per-service caps in dollars, {"openai": 50}; ai.can_spend enforces them.';
comment on column ai.budget_tracker.allocated_by_operation is 'Optional per-operation caps in dollars; ai.can_spend enforces them.';
comment on column ai.budget_tracker.current_spend_usd is 'Sum of cost_usd of the executions recorded in the period (exact).';
comment on column ai.budget_tracker.spend_by_service is 'Dollars per provider, {"openai": 1.25} (exact jsonb numbers).';
comment on column ai.budget_tracker.spend_by_operation is 'Dollars per operation_type.';
comment on column ai.budget_tracker.spend_by_user is 'Dollars per user_id (key "anonymous" when none).';
comment on column ai.budget_tracker.failed_requests is 'Executions whose status is not success.';
comment on column ai.budget_tracker.budget_status is 'normal, warning, critical or exceeded (computed from spend; see the ratios).';
comment on column ai.budget_tracker.circuit_breaker_active is
    'Open breaker: spend reached the total. Closing it (ai.reset_circuit_breaker) only sticks '
    'once spend is below the total again (e.g. after raising the budget).';
comment on column ai.budget_tracker.last_calculation_at is 'Instant of the last execution recorded.';

create index ix_budget_tracker__period_start__period_end on ai.budget_tracker (period_start, period_end);

create function ai.budget_status(p_spend numeric, p_total numeric, p_warning numeric, p_critical numeric)
returns text
language sql
immutable
parallel safe
set search_path = pg_catalog
as $$
    select case when p_spend >= p_total then 'exceeded'
                when p_spend >= p_total * p_critical then 'critical'
                when p_spend >= p_total * p_warning then 'warning'
                else 'normal' end
$$;
comment on function ai.budget_status(numeric, numeric, numeric, numeric) is
    'Budget status for a spend: exceeded (>= total), critical (>= total * critical ratio), '
    'warning (>= total * warning ratio), else normal. Pure arithmetic.';

create function ai.jsonb_sum_merge(p_a jsonb, p_b jsonb)
returns jsonb
language sql
immutable
parallel safe
set search_path = pg_catalog
as $$
    select coalesce(jsonb_object_agg(k.key, coalesce((p_a ->> k.key)::numeric, 0)
                                            + coalesce((p_b ->> k.key)::numeric, 0)), '{}'::jsonb)
      from (select jsonb_object_keys(coalesce(p_a, '{}'::jsonb)) as key
            union
            select jsonb_object_keys(coalesce(p_b, '{}'::jsonb))) k
$$;
comment on function ai.jsonb_sum_merge(jsonb, jsonb) is
    'Key-wise sum of two jsonb objects of numbers (exact numeric): {"a":1} + {"a":2,"b":1} = '
    '{"a":3,"b":1}. Linear in the number of keys.';

create function ai.tg_budget_tracker__status()
returns trigger
language plpgsql
set search_path = pg_catalog, ai
as $$
declare
    v_status text := ai.budget_status(new.current_spend_usd, new.total_budget_usd,
                                      new.warning_ratio, new.critical_ratio);
begin
    if tg_op = 'INSERT' or v_status is distinct from old.budget_status then
        new.status_changed_at := now();
    end if;
    new.budget_status := v_status;
    if v_status = 'exceeded' then
        if not new.circuit_breaker_active or new.circuit_opened_at is null then
            new.circuit_opened_at := now();
        end if;
        new.circuit_breaker_active := true;
    elsif not new.circuit_breaker_active then
        new.circuit_opened_at := null;
    end if;
    new.updated_at := now();
    return new;
end
$$;
comment on function ai.tg_budget_tracker__status() is
    'Row trigger on ai.budget_tracker: recomputes budget_status from spend and opens the circuit '
    'breaker when spend reaches the total (it cannot be closed while it does).';

create trigger tg_budget_tracker__status before insert or update on ai.budget_tracker
    for each row execute function ai.tg_budget_tracker__status();

create function ai.tg_model_execution__record_spend()
returns trigger
language plpgsql
set search_path = pg_catalog, ai
as $$
begin
    -- lock every budget this statement charges, in id order: concurrent recorders queue here
    perform 1
       from ai.budget_tracker b
      where exists (select 1 from new_rows n where n.created_at >= b.period_start and n.created_at < b.period_end)
      order by b.budget_id
        for no key update;
    if not found then
        return null;
    end if;
    with hit as (
        select b.budget_id, n.*
          from ai.budget_tracker b
          join new_rows n on n.created_at >= b.period_start and n.created_at < b.period_end
    ), tot as (
        select h.budget_id, sum(h.cost_usd) as cost, count(*) as requests,
               count(*) filter (where h.status = 'success') as ok,
               count(*) filter (where h.status <> 'success') as failed,
               sum(h.total_tokens) as tokens, sum(h.cached_tokens) as cached, max(h.created_at) as last_at
          from hit h group by h.budget_id
    ), svc as (
        select x.budget_id, jsonb_object_agg(x.k, x.s) as j
          from (select h.budget_id, h.provider as k, sum(h.cost_usd) as s from hit h group by 1, 2) x
         group by x.budget_id
    ), op as (
        select x.budget_id, jsonb_object_agg(x.k, x.s) as j
          from (select h.budget_id, h.operation_type as k, sum(h.cost_usd) as s from hit h group by 1, 2) x
         group by x.budget_id
    ), usr as (
        select x.budget_id, jsonb_object_agg(x.k, x.s) as j
          from (select h.budget_id, coalesce(h.user_id::text, 'anonymous') as k, sum(h.cost_usd) as s
                  from hit h group by 1, 2) x
         group by x.budget_id
    )
    update ai.budget_tracker b
       set current_spend_usd = b.current_spend_usd + t.cost,
           request_count = b.request_count + t.requests,
           successful_requests = b.successful_requests + t.ok,
           failed_requests = b.failed_requests + t.failed,
           total_tokens_processed = b.total_tokens_processed + t.tokens,
           cached_tokens = b.cached_tokens + t.cached,
           spend_by_service = ai.jsonb_sum_merge(b.spend_by_service, svc.j),
           spend_by_operation = ai.jsonb_sum_merge(b.spend_by_operation, op.j),
           spend_by_user = ai.jsonb_sum_merge(b.spend_by_user, usr.j),
           last_calculation_at = greatest(b.last_calculation_at, t.last_at)
      from tot t
      join svc on svc.budget_id = t.budget_id
      join op on op.budget_id = t.budget_id
      join usr on usr.budget_id = t.budget_id
     where b.budget_id = t.budget_id;
    return null;
end
$$;
comment on function ai.tg_model_execution__record_spend() is
    'Statement trigger on ai.model_execution: adds the new executions'' cost, counts, tokens and '
    'per-service/operation/user spend to every budget whose period contains them. One grouped '
    'UPDATE per statement; budget rows locked in id order.';

create trigger tg_model_execution__record_spend after insert on ai.model_execution
    referencing new table as new_rows
    for each statement execute function ai.tg_model_execution__record_spend();

create function ai.tg_model_execution__immutable_cost()
returns trigger
language plpgsql
set search_path = pg_catalog, ai
as $$
begin
    raise exception 'the accounting columns of ai.model_execution (created_at, provider, operation_type, '
                    'user_id, status, tokens, cost_usd) cannot change once recorded'
        using errcode = 'object_not_in_prerequisite_state',
              hint = 'record a correcting execution instead';
end
$$;
comment on function ai.tg_model_execution__immutable_cost() is
    'Row trigger on ai.model_execution: refuses updates of the columns budgets were charged from.';

create trigger tg_model_execution__immutable_cost
    before update of created_at, provider, operation_type, user_id, status, input_tokens, output_tokens,
                     cached_tokens, cost_usd
    on ai.model_execution
    for each row
    when (old.created_at is distinct from new.created_at or old.provider is distinct from new.provider
          or old.operation_type is distinct from new.operation_type or old.user_id is distinct from new.user_id
          or old.status is distinct from new.status or old.input_tokens is distinct from new.input_tokens
          or old.output_tokens is distinct from new.output_tokens
          or old.cached_tokens is distinct from new.cached_tokens or old.cost_usd is distinct from new.cost_usd)
    execute function ai.tg_model_execution__immutable_cost();

create function ai.record_model_execution(p_request_id text, p_operation_type text, p_provider text,
                                          p_model_name text, p_cost_usd numeric,
                                          p_status text default 'success',
                                          p_input_tokens integer default 0,
                                          p_output_tokens integer default 0,
                                          p_cached_tokens integer default 0,
                                          p_latency_ms numeric default null,
                                          p_user_id bigint default null,
                                          p_parent_request_id text default null,
                                          p_error_message text default null,
                                          p_created_at timestamptz default now())
returns bigint
language sql
volatile
set search_path = pg_catalog, ai
as $$
    insert into ai.model_execution (request_id, operation_type, provider, model_name, cost_usd, status,
                                    input_tokens, output_tokens, cached_tokens, latency_ms, user_id,
                                    parent_request_id, error_message, created_at, completed_at)
    values (p_request_id, p_operation_type, p_provider, p_model_name, p_cost_usd, p_status,
            p_input_tokens, p_output_tokens, p_cached_tokens, p_latency_ms, p_user_id,
            p_parent_request_id, p_error_message, p_created_at,
            p_created_at + make_interval(secs => coalesce(p_latency_ms, 0) / 1000.0))
    returning execution_id
$$;
comment on function ai.record_model_execution(text, text, text, text, numeric, text, integer, integer,
                                              integer, numeric, bigint, text, text, timestamptz) is
    'Records one model execution (the common columns) and, through the trigger, charges the '
    'matching budgets in the same transaction. Returns execution_id. One insert + one budget update.';

create function ai.budget_check(p_service text, p_estimated_cost numeric default 0,
                                p_at timestamptz default now(), p_priority text default 'normal',
                                p_operation text default null)
returns table (budget_id bigint, period_identifier text, allowed boolean, reason text)
language sql
stable
set search_path = pg_catalog, ai
as $$
    select b.budget_id, b.period_identifier,
           r.reason is null,
           r.reason
      from ai.budget_tracker b
      cross join lateral (
          select case
              when p_priority = 'critical'
                   and b.current_spend_usd + coalesce(p_estimated_cost, 0) > b.total_budget_usd + b.emergency_budget_usd
                  then 'emergency budget exhausted'
              when p_priority = 'critical' then null
              when b.circuit_breaker_active then 'circuit breaker open'
              when b.current_spend_usd + coalesce(p_estimated_cost, 0) > b.total_budget_usd
                  then 'estimated cost would exceed the budget'
              when b.allocated_by_service ? p_service
                   and coalesce((b.spend_by_service ->> p_service)::numeric, 0) + coalesce(p_estimated_cost, 0)
                       > (b.allocated_by_service ->> p_service)::numeric
                  then 'service allocation exhausted'
              when p_operation is not null and b.allocated_by_operation ? p_operation
                   and coalesce((b.spend_by_operation ->> p_operation)::numeric, 0) + coalesce(p_estimated_cost, 0)
                       > (b.allocated_by_operation ->> p_operation)::numeric
                  then 'operation allocation exhausted'
          end as reason) r
     where p_at >= b.period_start and p_at < b.period_end
     order by b.budget_id
$$;
comment on function ai.budget_check(text, numeric, timestamp with time zone, text, text) is
    'For each budget whose period contains p_at: may p_service spend p_estimated_cost dollars '
    'now (allowed) and if not, why. Critical priority bypasses the breaker and allocations up '
    'to total + emergency budget. One row per matching budget (index on the period).';

create function ai.can_spend(p_service text, p_estimated_cost numeric default 0,
                             p_at timestamptz default now(), p_priority text default 'normal',
                             p_operation text default null)
returns boolean
language sql
stable
set search_path = pg_catalog, ai
as $$
    select coalesce(bool_and(c.allowed), true)
      from ai.budget_check(p_service, p_estimated_cost, p_at, p_priority, p_operation) c
$$;
comment on function ai.can_spend(text, numeric, timestamp with time zone, text, text) is
    'true when every budget covering p_at allows p_service to spend p_estimated_cost dollars '
    '(see ai.budget_check); true when no budget covers p_at. Cheap: an index lookup.';

create function ai.reset_circuit_breaker(p_budget_id bigint)
returns boolean
language sql
volatile
set search_path = pg_catalog, ai
as $$
    update ai.budget_tracker b set circuit_breaker_active = false
     where b.budget_id = p_budget_id
    returning b.circuit_breaker_active
$$;
comment on function ai.reset_circuit_breaker(bigint) is
    'Tries to close the breaker of budget p_budget_id; returns the breaker state afterwards '
    '(still true while spend >= total), NULL for an unknown budget.';

commit;
