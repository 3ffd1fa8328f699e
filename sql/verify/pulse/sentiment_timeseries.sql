-- Verify lokdarpan:pulse/sentiment_timeseries on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/pulse/sentiment_timeseries.sql.

begin;

select 1 / (count(*) = 11)::int from pg_catalog.pg_attribute
 where attrelid = 'pulse.ward_sentiment_timeseries'::regclass and attnum > 0 and not attisdropped
   and attname in ('ward_name', 'bucket_start', 'bucket_width', 'post_count', 'positive_count', 'negative_count', 'neutral_count', 'sentiment_score', 'engagement_score', 'top_issues', 'created_at');
select 'pulse.ward_sentiment_timeseries_default'::regclass;
select 'pulse.ix_ward_sentiment_timeseries__bucket_start'::regclass;

-- answers from the catalog or on constants
select 1 / (count(*) >= 5)::int from core.partitions_of('pulse.ward_sentiment_timeseries'::regclass)
 where not is_default;
select 1 / count(*) from core.partitions_of('pulse.ward_sentiment_timeseries'::regclass) where is_default;

rollback;
