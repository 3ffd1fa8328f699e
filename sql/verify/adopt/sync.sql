-- Verify lokdarpan:adopt/sync on pg
-- Shape only: the functions of the first version, the first rework's fingerprint delete and the
-- second's order (the posts inserted after their mapping rows, in (city, created_at) order) and its
-- probe of the ids held before.

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
-- the second rework: the batch's core.post insert comes after its adopt.mapping insert
select 1 / (position('insert into adopt.mapping' in d) between 1 and
            -- where the last 'insert into core.post (' starts
            length(d) - position(reverse('insert into core.post (') in reverse(d)) - 23 + 2)::int
  from pg_catalog.pg_get_functiondef('adopt.sync_source(text, text, bigint[])'::regprocedure) d;
-- and it removes previous state only for ids that hold some, found by a probe per id
select 1 / (position('if cardinality(v_ids) = 0 then' in
                     pg_catalog.pg_get_functiondef('adopt.sync_source(text, text, bigint[])'::regprocedure)) > 0)::int;
-- and inserts a batch's posts in the order of core.post's (city, created_at) B-trees
select 1 / (position('order by s.city, s.created_at;' in
                     pg_catalog.pg_get_functiondef('adopt.sync_source(text, text, bigint[])'::regprocedure)) > 0)::int;
select 1 / (adopt.text_to_jsonb_array(E'a\n\nb') = '["a", "b"]'::jsonb)::int;

rollback;
