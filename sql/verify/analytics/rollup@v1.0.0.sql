-- Verify lokdarpan:analytics/rollup on pg
-- Shape only: the rollup tables with their columns, the trigger set on core.post, and the IST
-- helpers answering on constants. Behaviour: tests/pgtap/analytics/rollup.sql.

begin;

select 1 / (count(*) = 10)::int from pg_catalog.pg_attribute
 where attrelid = 'analytics.ward_hour'::regclass and attnum > 0 and not attisdropped;
select 1 / (count(*) = 8)::int from pg_catalog.pg_attribute
 where attrelid = 'analytics.ward_hour_party'::regclass and attnum > 0 and not attisdropped;
select 1 / (count(*) = 10)::int from pg_catalog.pg_attribute
 where attrelid = 'analytics.ward_day'::regclass and attnum > 0 and not attisdropped;
select 1 / (count(*) = 8)::int from pg_catalog.pg_attribute
 where attrelid = 'analytics.ward_day_party'::regclass and attnum > 0 and not attisdropped;
select 1 / (count(*) = 4)::int from pg_catalog.pg_trigger
 where tgrelid = 'core.post'::regclass and tgname like 'tg_post\_\_rollup\_%';
select 'analytics.recompute_hours(jsonb)'::regprocedure, 'analytics.recompute_days(jsonb)'::regprocedure,
       'analytics.rollup_drift(timestamptz, timestamptz)'::regprocedure,
       'analytics.day_rollup_drift(date)'::regprocedure, 'analytics.day_rollup_drift()'::regprocedure;
select 1 / (analytics.bucket_start('2026-01-01 10:40+00') = '2026-01-01 10:30+00'
            and analytics.ist_day('2026-01-01 18:30+00') = date '2026-01-02'
            and analytics.ist_day_start(date '2026-01-02') = '2026-01-01 18:30+00')::int;

rollback;
