-- Revert lokdarpan:ingest/merge from pg

begin;

drop function ingest.merge_epaper_batch(bigint);
drop function ingest.merge_post_batch(bigint, timestamptz);

commit;
