-- Deploy lokdarpan:ai/integrity_check to pg
-- requires: ai/budget_tracker
-- requires: ops/integrity_check
-- Registers the ai module's "budget overspend" check with ops.validate_data_integrity():
-- a budget past its total whose circuit breaker is closed, or spend past total + emergency
-- budget, is a failure of spend control; an exceeded budget with its breaker open is a warning.

begin;

create function ai.check_budget_overspend()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, ai
as $$
    with b as (
        select count(*) filter (where t.current_spend_usd >= t.total_budget_usd
                                  and not t.circuit_breaker_active) as breaker_closed,
               count(*) filter (where t.current_spend_usd > t.total_budget_usd + t.emergency_budget_usd) as past_emergency,
               count(*) filter (where t.current_spend_usd >= t.total_budget_usd) as exceeded
          from ai.budget_tracker t
    )
    select case when b.breaker_closed + b.past_emergency > 0 then 'FAIL'
                when b.exceeded > 0 then 'WARN'
                else 'PASS' end,
           case when b.breaker_closed + b.past_emergency > 0
                then (select count(*) from ai.budget_tracker t
                       where (t.current_spend_usd >= t.total_budget_usd and not t.circuit_breaker_active)
                          or t.current_spend_usd > t.total_budget_usd + t.emergency_budget_usd)
                else b.exceeded end,
           case when b.breaker_closed + b.past_emergency > 0
                then format('%s budget(s) spent past total + emergency budget, %s past total with the circuit breaker closed',
                            b.past_emergency, b.breaker_closed)
                when b.exceeded > 0
                then format('%s budget(s) exceeded; circuit breaker open', b.exceeded)
                else 'every budget is within its total' end
      from b
$$;
comment on function ai.check_budget_overspend() is
    'Integrity check budget_overspend: FAIL when a budget spent past total + emergency budget or '
    'is past its total with the breaker closed; WARN when exceeded with the breaker open; else '
    'PASS. record_count = offending budgets. One scan of ai.budget_tracker.';

insert into ops.integrity_check (check_name, check_function, description)
values ('budget_overspend', 'ai.check_budget_overspend',
        'AI budgets: spend past total + emergency budget, or past total with the circuit breaker closed');

commit;
