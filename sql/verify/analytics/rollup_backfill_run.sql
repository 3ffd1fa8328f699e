-- Verify lokdarpan:analytics/rollup_backfill_run on pg
-- Shape only: the procedure the deploy calls is there (the deploy fails when the CALL does not
-- finish). Whether every ward is done: analytics.rollup_backfill_pending() = 0, checked by
-- tests/analytics/test_rollup_backfill.py.

begin;

select 'analytics.backfill_rollups(integer, integer, integer, interval)'::regprocedure;

rollback;
