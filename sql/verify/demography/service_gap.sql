-- Verify lokdarpan:demography/service_gap on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/demography/service_gap.sql.

begin;

select 1 / (count(*) = 9)::int from pg_catalog.pg_attribute
 where attrelid = 'demography.service_gap_analysis'::regclass and attnum > 0 and not attisdropped
   and attname in ('analysis_id', 'ward_name', 'service', 'demand_score', 'supply_score', 'gap_score', 'priority', 'evidence', 'analysed_at');
select 'demography.ix_service_gap_analysis__service'::regclass;
select 'demography.ix_service_gap_analysis__ward_name__gap_score'::regclass;
select 1 / (count(*) = 13)::int from pg_catalog.pg_attribute
 where attrelid = 'demography.demographic_insight'::regclass and attnum > 0 and not attisdropped
   and attname in ('insight_id', 'ward_name', 'segment_id', 'insight_type', 'insight_text', 'confidence', 'review_status', 'created_by', 'reviewed_by', 'reviewed_at', 'review_note', 'created_at', 'expires_at');
select 'demography.ix_demographic_insight__ward_name__review_status__expires_at'::regclass;
select 'demography.ix_demographic_insight__segment_id'::regclass;
select 'demography.ix_demographic_insight__created_by'::regclass;
select 'demography.ix_demographic_insight__reviewed_by'::regclass;

rollback;
