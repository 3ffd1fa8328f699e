-- Revert lokdarpan:analytics/rollup_backfill_run from pg
-- The rollups stay as they are (exact, derived data the triggers keep); the revert forgets the
-- run's progress, so deploying the change again recounts every ward.

begin;

delete from analytics.rollup_backfill;

commit;
