-- Revert lokdarpan:analytics/rollup_backfill from pg

begin;

delete from audit.ward_rls_exemption where table_schema = 'analytics' and table_name = 'rollup_backfill';
drop procedure analytics.backfill_rollups(integer, integer, integer, interval);
drop function analytics.rollup_backfill_pending();
drop function analytics.rollup_backfill_batch(text, timestamptz, timestamptz);
drop table analytics.rollup_backfill;

commit;
