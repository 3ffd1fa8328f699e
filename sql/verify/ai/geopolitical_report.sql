-- Verify lokdarpan:ai/geopolitical_report on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ai/geopolitical_report.sql.

begin;

select 1 / (count(*) = 47)::int from pg_catalog.pg_attribute
 where attrelid = 'ai.geopolitical_report'::regclass and attnum > 0 and not attisdropped
   and attname in ('report_id', 'report_uuid', 'user_id', 'query_text', 'query_hash', 'ward_context', 'region_context', 'analysis_depth', 'strategic_context', 'status', 'processing_stage', 'priority_level', 'estimated_cost_usd', 'report_title', 'executive_summary', 'key_findings', 'timeline_analysis', 'strategic_implications', 'scenario_analysis', 'recommendations', 'full_report_markdown', 'report_metadata', 'source_urls', 'citation_count', 'evidence_quality_score', 'fact_check_results', 'credibility_assessment', 'models_used', 'total_cost_usd', 'cost_breakdown', 'processing_time_ms', 'total_tokens_used', 'confidence_score', 'quality_indicators', 'human_review_status', 'user_feedback', 'requested_at', 'started_processing_at', 'completed_at', 'last_accessed_at', 'expires_at', 'access_count', 'download_count', 'shared_count', 'is_archived', 'archive_reason', 'archived_at');
select 'ai.ix_geopolitical_report__user_id__status__requested_at'::regclass;
select 'ai.ix_geopolitical_report__ward_context__completed_at'::regclass;
select 'ai.ix_geopolitical_report__query_hash'::regclass;
select 'ai.ix_geopolitical_report__expires_at'::regclass;
select 'ai.ix_geopolitical_report__last_accessed_at'::regclass;

rollback;
