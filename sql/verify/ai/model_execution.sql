-- Verify lokdarpan:ai/model_execution on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ai/model_execution.sql.

begin;

select 'ai.model_execution_execution_id_seq'::regclass;
select 1 / (count(*) = 31)::int from pg_catalog.pg_attribute
 where attrelid = 'ai.model_execution'::regclass and attnum > 0 and not attisdropped
   and attname in ('execution_id', 'created_at', 'request_id', 'parent_request_id', 'user_id', 'session_id', 'operation_type', 'operation_subtype', 'priority_level', 'provider', 'model_name', 'model_version', 'input_tokens', 'output_tokens', 'total_tokens', 'cached_tokens', 'queue_time_ms', 'ttfb_ms', 'processing_time_ms', 'latency_ms', 'cost_usd', 'cost_breakdown', 'budget_category', 'status', 'error_code', 'error_message', 'retry_count', 'quality_score', 'request_metadata', 'response_metadata', 'completed_at');
select 'ai.model_execution_default'::regclass;
select 'ai.ix_model_execution__user_id__created_at'::regclass;
select 'ai.ix_model_execution__request_id'::regclass;
select 'ai.ix_model_execution__parent_request_id'::regclass;
select 'ai.ix_model_execution__provider__model_name__created_at'::regclass;
select 'ai.ix_model_execution__operation_type__status__created_at'::regclass;

-- answers from the catalog or on constants
select 1 / (count(*) >= 4)::int from core.partitions_of('ai.model_execution'::regclass) where not is_default;

rollback;
