-- Revert lokdarpan:ops/performance from pg

begin;

drop function ops.check_performance_thresholds(numeric);
drop function ops.threshold_status(numeric, numeric, numeric, text);
drop table ops.performance_threshold;

commit;
