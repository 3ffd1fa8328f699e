-- Behaviour of ai/integrity_check (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(3);

select ok(count(*) > 0, 'ai/integrity_check: check 1') from ops.integrity_check where check_name = 'budget_overspend';
insert into ai.budget_tracker (period_type, period_identifier, period_start, period_end, total_budget_usd)
values ('campaign', 'verify-overspend', now() - interval '1 hour', now() + interval '1 hour', 1.00);
select ok(count(*) > 0, 'ai/integrity_check: check 2') from ops.validate_data_integrity() v
 where v.check_name = 'budget_overspend' and v.status in ('PASS', 'WARN');
-- spend past total + emergency budget must make the check fail
select ai.record_model_execution('verify-overspend', 'chat', 'openai', 'gpt-4o-mini', 5);
select ok(count(*) > 0, 'ai/integrity_check: check 3') from ops.validate_data_integrity() v
 where v.check_name = 'budget_overspend' and v.status = 'FAIL';

select * from finish();
rollback;
