-- Verify lokdarpan:analytics/dashboard on pg
-- Shape only: both materialized views with the unique index a concurrent refresh needs, and
-- the two functions. Refreshing reads the rollups: tests/pgtap/analytics/dashboard.sql does.

begin;

select 1 / (count(*) = 2)::int from pg_catalog.pg_class
 where oid in ('analytics.ward_analytics_summary'::regclass, 'analytics.daily_ward_trends'::regclass)
   and relkind = 'm';
select 'analytics.uq_ward_analytics_summary__ward_name'::regclass,
       'analytics.uq_daily_ward_trends__ward_name__day'::regclass;
select 1 / (count(*) = 11)::int from pg_catalog.pg_attribute
 where attrelid = 'analytics.ward_analytics_summary'::regclass and attnum > 0 and not attisdropped;
select 'analytics.refresh_ward_analytics(boolean)'::regprocedure,
       'analytics.ward_performance_metrics(text, timestamptz)'::regprocedure;

rollback;
