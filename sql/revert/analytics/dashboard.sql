-- Revert lokdarpan:analytics/dashboard from pg

begin;

delete from ops.integrity_check where check_name = 'rollups_in_step';
drop function analytics.check_rollups();
drop function analytics.ward_performance_metrics(text, timestamptz);
drop function analytics.refresh_ward_analytics(boolean);
drop materialized view analytics.daily_ward_trends;
drop materialized view analytics.ward_analytics_summary;

commit;
