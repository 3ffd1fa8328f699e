-- Verify lokdarpan:analytics/rollup on pg
-- Shape only (catalog lookups and the IST helpers on constants, nothing read from or written to
-- a table): the rollup tables with their columns, the trigger set on core.post, the functions,
-- and the reworked recounts that lock the touched days first. Behaviour: tests/pgtap/analytics/
-- rollup.sql and, under concurrent writers, tests/analytics/test_rollup_concurrency.py.

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
       'analytics.rollup_lock_days(text[], date[])'::regprocedure,
       'analytics.rollup_drift(timestamptz, timestamptz)'::regprocedure,
       'analytics.day_rollup_drift(date)'::regprocedure, 'analytics.day_rollup_drift()'::regprocedure;
-- the reworked recounts (the @v1.0.0 definitions delete and insert without locking the days)
select 1 / (count(*) = 2)::int from pg_catalog.pg_proc p
 where p.oid in ('analytics.recompute_hours(jsonb)'::regprocedure, 'analytics.recompute_days(jsonb)'::regprocedure)
   and position('analytics.rollup_lock_days(' in p.prosrc) > 0;
select 1 / (analytics.bucket_start('2026-01-01 10:40+00') = '2026-01-01 10:30+00'
            and analytics.ist_day('2026-01-01 18:30+00') = date '2026-01-02'
            and analytics.ist_day_start(date '2026-01-02') = '2026-01-01 18:30+00')::int;

rollback;
