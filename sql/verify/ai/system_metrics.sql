-- Verify lokdarpan:ai/system_metrics on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ai/system_metrics.sql.

begin;

select 1 / (count(*) = 17)::int from pg_catalog.pg_attribute
 where attrelid = 'ai.system_metrics'::regclass and attnum > 0 and not attisdropped
   and attname in ('metric_id', 'metric_name', 'metric_category', 'metric_scope', 'scope_identifier', 'metric_value', 'metric_unit', 'baseline_value', 'threshold_warning', 'threshold_critical', 'period_start', 'period_end', 'aggregation_type', 'sample_count', 'metadata', 'tags', 'created_at');
select 'ai.ix_system_metrics__metric_name__metric_scope__created_at'::regclass;
select 'ai.ix_system_metrics__created_at'::regclass;

rollback;
