-- Revert lokdarpan:adopt/sync from pg

begin;

drop function adopt.differences(text);
drop function adopt.problems_sql(text);
drop function adopt.apply_capture(integer);
drop function adopt.backfill_batch(text, integer);
drop function adopt.sync_rows(text, bigint[], bigint, integer);
drop function adopt.sync_source(text, text, bigint[]);
drop function adopt.core_digest_sql(text);
drop function adopt.source_sql(text, text, text, text, boolean, text, boolean);
drop function adopt.text_to_jsonb_array(text);
drop function adopt.legacy_column(text, text, text, text);

commit;
