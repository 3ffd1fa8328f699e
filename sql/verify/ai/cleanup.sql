-- Verify lokdarpan:ai/cleanup on pg

begin;

insert into ai.system_metrics (metric_name, metric_category, metric_scope, metric_value,
                               period_start, period_end, aggregation_type, created_at)
values ('verify.old', 'usage', 'system', 1, now() - interval '3 years', now() - interval '3 years', 'sum',
        now() - interval '3 years');
select 1 / (count(*) = 5)::int from ai.ai_cleanup_expired_data(now());
select 1 / (count(*) = 0)::int from ai.system_metrics where metric_name = 'verify.old';

rollback;
