-- Verify lokdarpan:adopt/backfill_chunk on pg

begin;

select legacy_table, chunk_no, lo, hi, position, done from adopt.backfill_chunk where false;
select 'adopt.plan_backfill_chunks(text, integer)'::regprocedure,
       'adopt.backfill_chunk_batch(text, integer)'::regprocedure;

rollback;
