-- Verify lokdarpan:ai/system_metrics on pg

begin;

insert into ai.system_metrics (metric_name, metric_category, metric_scope, metric_value, metric_unit,
                               period_start, period_end, aggregation_type)
values ('verify.latency', 'performance', 'system', 12.5, 'ms', now() - interval '1 hour', now(), 'p95');
select 1 / count(*) from ai.system_metrics where metric_name = 'verify.latency' and metric_value = 12.5;
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

rollback;
