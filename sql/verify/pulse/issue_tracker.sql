-- Verify lokdarpan:pulse/issue_tracker on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/pulse/issue_tracker.sql.

begin;

select 1 / (count(*) = 10)::int from pg_catalog.pg_attribute
 where attrelid = 'pulse.sentiment_snapshot'::regclass and attnum > 0 and not attisdropped
   and attname in ('snapshot_id', 'ward_name', 'captured_at', 'window_start', 'window_end', 'post_count', 'emotion_counts', 'dominant_emotion', 'sentiment_score', 'party_mentions');
select 'pulse.ix_sentiment_snapshot__ward_name__captured_at'::regclass;
select 'pulse.ix_sentiment_snapshot__dominant_emotion'::regclass;
select 1 / (count(*) = 13)::int from pg_catalog.pg_attribute
 where attrelid = 'pulse.issue_tracker'::regclass and attnum > 0 and not attisdropped
   and attname in ('issue_id', 'ward_name', 'issue_key', 'title', 'category', 'severity', 'resolution_status', 'mention_count', 'first_seen_at', 'last_seen_at', 'resolved_at', 'created_at', 'updated_at');
select 'pulse.ix_issue_tracker__ward_name__resolution_status__severity'::regclass;
select 'pulse.ix_issue_tracker__last_seen_at'::regclass;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'pulse.issue_tracker'::regclass and tgname = 'tg_issue_tracker__touch_updated_at';

rollback;
