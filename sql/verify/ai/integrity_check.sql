-- Verify lokdarpan:ai/integrity_check on pg

begin;

select 1 / count(*) from ops.integrity_check where check_name = 'budget_overspend';
insert into ai.budget_tracker (period_type, period_identifier, period_start, period_end, total_budget_usd)
values ('campaign', 'verify-overspend', now() - interval '1 hour', now() + interval '1 hour', 1.00);
select 1 / count(*) from ops.validate_data_integrity() v
 where v.check_name = 'budget_overspend' and v.status in ('PASS', 'WARN');
-- spend past total + emergency budget must make the check fail
select ai.record_model_execution('verify-overspend', 'chat', 'openai', 'gpt-4o-mini', 5);
select 1 / count(*) from ops.validate_data_integrity() v
 where v.check_name = 'budget_overspend' and v.status = 'FAIL';

rollback;
