-- Behaviour of ai/system_metrics (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into ai.system_metrics (metric_name, metric_category, metric_scope, metric_value, metric_unit,
                               period_start, period_end, aggregation_type)
values ('verify.latency', 'performance', 'system', 12.5, 'ms', now() - interval '1 hour', now(), 'p95');
select ok(count(*) > 0, 'ai/system_metrics: check 1') from ai.system_metrics where metric_name = 'verify.latency' and metric_value = 12.5;
select lives_ok($tap$
do $$
begin
    insert into ai.system_metrics (metric_name, metric_category, metric_scope, metric_value,
                                   period_start, period_end, aggregation_type)
    values ('verify.bad', 'performance', 'system', 1, now(), now() - interval '1 hour', 'avg');
    raise exception 'a metric whose period ends before it starts was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'ai/system_metrics: check 2');

select * from finish();
rollback;
