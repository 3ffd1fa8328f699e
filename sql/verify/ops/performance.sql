-- Verify lokdarpan:ops/performance on pg

begin;

select 1 / (count(*) = 6)::int from ops.check_performance_thresholds()
 where status in ('OK', 'WARN', 'CRITICAL', 'NOT AVAILABLE');
select 1 / (ops.threshold_status(91, 99, 90, 'below') = 'WARN'
            and ops.threshold_status(96, 80, 95, 'above') = 'CRITICAL'
            and ops.threshold_status(null, 1, 2, 'above') = 'NOT AVAILABLE')::int;

rollback;
