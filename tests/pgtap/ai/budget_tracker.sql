-- Behaviour of ai/budget_tracker (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(5);

insert into ai.budget_tracker (period_type, period_identifier, period_start, period_end, total_budget_usd)
values ('campaign', 'verify', now() - interval '1 hour', now() + interval '1 hour', 1.00);
select ok(count(*) > 0, 'ai/budget_tracker: check 1') from ai.budget_check('openai', 0.5) c
  join ai.budget_tracker b on b.budget_id = c.budget_id
 where b.period_identifier = 'verify' and c.allowed;
select ai.record_model_execution('verify-1', 'chat', 'openai', 'gpt-4o-mini', 0.8);
select ok(count(*) > 0, 'ai/budget_tracker: check 2') from ai.budget_tracker
 where period_identifier = 'verify' and current_spend_usd = 0.8 and budget_status = 'warning'
   and (spend_by_service ->> 'openai')::numeric = 0.8 and not circuit_breaker_active;
select ai.record_model_execution('verify-2', 'chat', 'openai', 'gpt-4o-mini', 0.2);
select ok(count(*) > 0, 'ai/budget_tracker: check 3') from ai.budget_tracker
 where period_identifier = 'verify' and budget_status = 'exceeded' and circuit_breaker_active;
select ok(count(*) > 0, 'ai/budget_tracker: check 4') from ai.budget_check('openai', 0) c
  join ai.budget_tracker b on b.budget_id = c.budget_id
 where b.period_identifier = 'verify' and not c.allowed and c.reason = 'circuit breaker open';
select ok(not ai.can_spend('openai', 0), 'ai/budget_tracker: check 5');

select * from finish();
rollback;
