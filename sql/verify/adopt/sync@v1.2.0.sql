-- Verify lokdarpan:adopt/sync on pg
-- Shape only: the functions of the first version and the rework's fingerprint delete.

begin;

select 'adopt.source_sql(text, text, text, text, boolean, text, boolean)'::regprocedure,
       'adopt.sync_source(text, text, bigint[])'::regprocedure,
       'adopt.core_digest_sql(text)'::regprocedure,
       'adopt.sync_rows(text, bigint[], bigint, integer)'::regprocedure,
       'adopt.backfill_batch(text, integer)'::regprocedure,
       'adopt.apply_capture(integer)'::regprocedure,
       'adopt.differences(text)'::regprocedure,
       'adopt.problems_sql(text)'::regprocedure,
       'adopt.legacy_column(text, text, text, text)'::regprocedure;
-- the rework: the fingerprint row of a replaced post is found by the table's key
select 1 / (position('f.created_at = p.created_at and f.fingerprint = p.fingerprint'
                     in pg_catalog.pg_get_functiondef('adopt.sync_source(text, text, bigint[])'::regprocedure)) > 0)::int;
select 1 / (adopt.text_to_jsonb_array(E'a\n\nb') = '["a", "b"]'::jsonb)::int;

rollback;
