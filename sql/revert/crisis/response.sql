-- Revert lokdarpan:crisis/response from pg

begin;

drop function crisis.compute_performance_metrics(bigint, integer);
drop table crisis.crisis_performance_metrics;
drop table crisis.crisis_communication_log;
drop table crisis.real_time_notification;
drop table crisis.response_workflow;

commit;
