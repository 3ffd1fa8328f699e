-- Revert lokdarpan:ai/system_metrics from pg

begin;

drop table ai.system_metrics;

commit;
