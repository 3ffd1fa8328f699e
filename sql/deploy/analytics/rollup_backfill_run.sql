-- transactional: false
-- Deploy lokdarpan:analytics/rollup_backfill_run to pg
-- requires: analytics/rollup_backfill
-- Fills the rollups with the posts that were in core.post before analytics/rollup was deployed
-- (a database deployed onto loaded posts, or upgraded from @v1.0.0 after that), in short
-- committed batches while the application writes (analytics/rollup_backfill says how it stays
-- exact). One CALL outside a transaction: killed half-way, deploying again resumes; finished or on
-- an empty core.post, it returns at once. Progress is reported as NOTICEs every 10 s.
call analytics.backfill_rollups();
