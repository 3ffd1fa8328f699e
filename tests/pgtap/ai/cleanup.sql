-- Behaviour of ai/cleanup (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into ai.system_metrics (metric_name, metric_category, metric_scope, metric_value,
                               period_start, period_end, aggregation_type, created_at)
values ('verify.old', 'usage', 'system', 1, now() - interval '3 years', now() - interval '3 years', 'sum',
        now() - interval '3 years');
select ok(count(*) = 5, 'ai/cleanup: check 1') from ai.ai_cleanup_expired_data(now());
select ok(count(*) = 0, 'ai/cleanup: check 2') from ai.system_metrics where metric_name = 'verify.old';

select * from finish();
rollback;
