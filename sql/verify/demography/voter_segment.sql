-- Verify lokdarpan:demography/voter_segment on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/demography/voter_segment.sql.

begin;

select 1 / (count(*) = 2)::int from pg_catalog.pg_attribute
 where attrelid = 'demography.concern'::regclass and attnum > 0 and not attisdropped
   and attname in ('concern', 'description');
select 1 / (count(*) = 8)::int from pg_catalog.pg_attribute
 where attrelid = 'demography.voter_segment'::regclass and attnum > 0 and not attisdropped
   and attname in ('segment_id', 'ward_name', 'segment_code', 'engagement_level', 'size_estimate', 'estimated_at', 'created_at', 'updated_at');
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'demography.voter_segment'::regclass and tgname = 'tg_voter_segment__touch_updated_at';
select 1 / (count(*) = 3)::int from pg_catalog.pg_attribute
 where attrelid = 'demography.voter_segment_concern'::regclass and attnum > 0 and not attisdropped
   and attname in ('segment_id', 'concern', 'concern_rank');
select 'demography.ix_voter_segment_concern__concern'::regclass;
select 1 / (count(*) = 11)::int from pg_catalog.pg_attribute
 where attrelid = 'demography.engagement_pattern'::regclass and attnum > 0 and not attisdropped
   and attname in ('pattern_id', 'ward_name', 'segment_id', 'channel', 'peak_hour', 'peak_day', 'engagement_rate', 'sample_size', 'observed_from', 'observed_to', 'created_at');
select 'demography.ix_engagement_pattern__ward_name__channel'::regclass;
select 'demography.ix_engagement_pattern__segment_id'::regclass;

rollback;
