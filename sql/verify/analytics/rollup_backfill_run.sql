-- Verify lokdarpan:analytics/rollup_backfill_run on pg
-- The run finished: no ward is left in analytics.rollup_backfill. The one data read of a verify
-- in this tree, and a constant-size one: the change's own bookkeeping (one row per ward), never
-- posts or rollups, so it costs the same at any number of posts. After the revert (which forgets
-- the progress) it fails. That the rollups are exact: tests/analytics/test_rollup_backfill.py.

begin;

select 1 / (analytics.rollup_backfill_pending() = 0)::int;

rollback;
