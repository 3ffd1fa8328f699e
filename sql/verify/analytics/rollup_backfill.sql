-- Verify lokdarpan:analytics/rollup_backfill on pg
-- Shape only: the progress table, the batch function and the procedure. Behaviour (exact under
-- concurrent writes, resumable, a no-op on an empty core.post): tests/analytics/test_rollup_backfill.py.

begin;

select 1 / (count(*) = 7)::int from pg_catalog.pg_attribute
 where attrelid = 'analytics.rollup_backfill'::regclass and attnum > 0 and not attisdropped;
select 'analytics.rollup_backfill_batch(text, timestamptz, timestamptz)'::regprocedure,
       'analytics.rollup_backfill_pending()'::regprocedure,
       'analytics.backfill_rollups(integer, integer, integer, interval)'::regprocedure;
select 1 / (count(*) = 1)::int from pg_catalog.pg_proc
 where oid = 'analytics.backfill_rollups(integer, integer, integer, interval)'::regprocedure and prokind = 'p';

rollback;
