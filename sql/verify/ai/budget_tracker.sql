-- Verify lokdarpan:ai/budget_tracker on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ai/budget_tracker.sql.

begin;

select 1 / (count(*) = 27)::int from pg_catalog.pg_attribute
 where attrelid = 'ai.budget_tracker'::regclass and attnum > 0 and not attisdropped
   and attname in ('budget_id', 'period_type', 'period_identifier', 'period_start', 'period_end', 'total_budget_usd', 'emergency_budget_usd', 'warning_ratio', 'critical_ratio', 'allocated_by_service', 'allocated_by_operation', 'current_spend_usd', 'spend_by_service', 'spend_by_operation', 'spend_by_user', 'request_count', 'successful_requests', 'failed_requests', 'total_tokens_processed', 'cached_tokens', 'budget_status', 'status_changed_at', 'circuit_breaker_active', 'circuit_opened_at', 'created_at', 'updated_at', 'last_calculation_at');
select 'ai.ix_budget_tracker__period_start__period_end'::regclass;
select 'ai.budget_status(numeric, numeric, numeric, numeric)'::regprocedure;
select 'ai.jsonb_sum_merge(jsonb, jsonb)'::regprocedure;
select 'ai.tg_budget_tracker__status()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'ai.budget_tracker'::regclass and tgname = 'tg_budget_tracker__status';
select 'ai.tg_model_execution__record_spend()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'ai.model_execution'::regclass and tgname = 'tg_model_execution__record_spend';
select 'ai.tg_model_execution__immutable_cost()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'ai.model_execution'::regclass and tgname = 'tg_model_execution__immutable_cost';
select 'ai.record_model_execution(text, text, text, text, numeric, text, int4, int4, int4, numeric, int8, text, text, timestamptz)'::regprocedure;
select 'ai.budget_check(text, numeric, timestamptz, text, text)'::regprocedure;
select 'ai.can_spend(text, numeric, timestamptz, text, text)'::regprocedure;
select 'ai.reset_circuit_breaker(int8)'::regprocedure;

rollback;
