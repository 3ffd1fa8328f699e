-- Revert lokdarpan:analytics/dashboard from pg

begin;

drop function analytics.ward_performance_metrics(text, timestamptz);
drop function analytics.refresh_ward_analytics(boolean);
drop materialized view analytics.daily_ward_trends;
drop materialized view analytics.ward_analytics_summary;

commit;
