-- Revert lokdarpan:adopt/backfill_chunk from pg

begin;

drop function adopt.backfill_chunk_batch(text, integer);
drop function adopt.plan_backfill_chunks(text, integer);
drop table adopt.backfill_chunk;

commit;
