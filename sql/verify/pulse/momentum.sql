-- Verify lokdarpan:pulse/momentum on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/pulse/momentum.sql.

begin;

select 1 / (count(*) = 14)::int from pg_catalog.pg_attribute
 where attrelid = 'pulse.ward_momentum_indicators'::regclass and attnum > 0 and not attisdropped
   and attname in ('ward_name', 'computed_for', 'window_length', 'recent_post_count', 'prior_post_count', 'recent_sentiment', 'prior_sentiment', 'sentiment_momentum', 'engagement_momentum', 'issue_emergence', 'emerging_issues', 'political_temperature', 'trend_direction', 'updated_at');
select 'pulse.ix_ward_momentum_indicators__trend_direction__temperature'::regclass;
select 'pulse.compute_ward_momentum(timestamptz, text, interval)'::regprocedure;

rollback;
