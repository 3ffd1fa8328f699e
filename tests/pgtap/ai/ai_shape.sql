-- pgTAP: shape of the ai module (tables, per-model HNSW indexes, partitions, triggers,
-- function properties, the registered integrity check).
begin;
select plan(36);

select has_schema('ai');
select has_table('ai', 'embedding_model', 'embedding model registry exists');
select has_table('ai', 'embedding_store', 'embedding store exists');
select has_table('ai', 'model_execution', 'model executions exist');
select has_table('ai', 'budget_tracker', 'budget tracker exists');
select has_table('ai', 'geopolitical_report', 'reports exist');
select has_table('ai', 'system_metrics', 'system metrics exist');
select col_type_is('ai', 'embedding_store', 'embedding', 'extensions.vector', 'embedding is a pgvector vector');
select col_type_is('ai', 'model_execution', 'cost_usd', 'numeric(20,10)', 'cost is high-precision numeric');
select col_type_is('ai', 'budget_tracker', 'current_spend_usd', 'numeric(20,10)', 'spend is high-precision numeric');
select col_type_is('ai', 'budget_tracker', 'spend_by_service', 'jsonb', 'spend by service is jsonb');
select is((select count(*)::int from ai.embedding_model), 3, 'three embedding models registered');
-- one HNSW index per model, halfvec above 2,000 dimensions, each partial on its model
select is((select count(*)::int from pg_indexes i join ai.embedding_model m
            on i.indexname = ai.embedding_index_name(m.model_name)
           where i.schemaname = 'ai' and i.indexdef like '%USING hnsw%'
             and i.indexdef like '%' || m.index_type || '(' || m.dimensions || ')%'
             and i.indexdef like '%WHERE (embedding_model = ''' || m.model_name || '''::text)%'), 3,
          'every model has its partial HNSW expression index of its type and dimension');
select is((select index_type from ai.embedding_model where dimensions > 2000), 'halfvec',
          'the 3,072-dimension model is indexed as halfvec');
select is((select count(*)::int from pg_index x join pg_class c on c.oid = x.indexrelid
            join pg_am a on a.oid = c.relam
           where x.indrelid = 'ai.embedding_store'::regclass and a.amname = 'btree'
             and pg_get_indexdef(x.indexrelid) like '%embedding)%'), 0,
          'no b-tree on the embedding column');
select has_index('ai', 'embedding_store', 'ix_embedding_store__ward_context__published_at',
                 array['ward_context', 'published_at']::name[]);
select is((select relkind::text from pg_class where oid = 'ai.model_execution'::regclass), 'p',
          'model_execution is partitioned');
select is((select pg_get_partkeydef('ai.model_execution'::regclass)), 'RANGE (created_at)',
          'partitioned by created_at');
select is((select count(*)::int from core.partition_policy where parent_schema = 'ai' and parent_table = 'model_execution'),
          1, 'model_execution has a partition policy');
select is((select count(*)::int from core.partitions_of('ai.model_execution') where is_default), 1,
          'one default partition');
select is((select count(*)::int from core.partitions_of('ai.model_execution') p
            where not p.is_default and p.partition_name !~ '^model_execution_p\d{4}_\d{2}$'), 0,
          'partitions are named model_execution_pYYYY_MM');
select has_trigger('ai', 'model_execution', 'tg_model_execution__record_spend', 'spend is recorded by trigger');
select has_trigger('ai', 'budget_tracker', 'tg_budget_tracker__status', 'status follows spend');
select has_index('ai', 'model_execution', 'ix_model_execution__user_id__created_at',
                 array['user_id', 'created_at']::name[]);
select has_index('ai', 'geopolitical_report', 'ix_geopolitical_report__user_id__status__requested_at',
                 array['user_id', 'status', 'requested_at']::name[]);
select col_is_unique('ai', 'budget_tracker', array['period_type', 'period_identifier']::name[]);
select is((select provolatile::text from pg_proc
            where oid = 'ai.find_similar_content(extensions.vector, text, integer, double precision, text)'::regprocedure),
          's', 'find_similar_content is stable');
select ok((select proconfig @> array['hnsw.iterative_scan=relaxed_order'] from pg_proc
            where oid = 'ai.find_similar_content(extensions.vector, text, integer, double precision, text)'::regprocedure),
          'find_similar_content turns on iterative index scans');
select is((select array_agg(a order by n)::text[] from pg_proc p,
                  unnest(p.proargnames, array(select generate_series(1, cardinality(p.proargnames)))) u(a, n)
            where p.oid = 'ai.find_similar_content(extensions.vector, text, integer, double precision, text)'::regprocedure
              and n > 5),
          array['content_id', 'content_chunk', 'source_title', 'similarity_score', 'ward_context', 'published_at'],
          'find_similar_content returns the seeds'' columns');
select is((select provolatile::text from pg_proc where oid = 'ai.can_spend(text, numeric, timestamptz, text, text)'::regprocedure),
          's', 'can_spend is stable');
select is((select provolatile::text from pg_proc
            where oid = 'ai.ai_cleanup_expired_data(timestamptz, interval, interval, integer, interval, interval)'::regprocedure),
          'v', 'cleanup is volatile');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'ai' and (p.proconfig is null
                  or not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%'))), 0,
          'every ai function pins its search_path');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'ai' and obj_description(p.oid, 'pg_proc') is null), 0,
          'every ai function has a comment');
select is((select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'ai' and c.relkind in ('r', 'p') and not c.relispartition
              and obj_description(c.oid, 'pg_class') is null), 0, 'every ai table has a comment');
select is((select check_function from ops.integrity_check where check_name = 'budget_overspend'),
          'ai.check_budget_overspend', 'budget_overspend is registered');
select throws_ok($$insert into ai.embedding_model (model_name, dimensions, index_type, provider)
                   values ('wide', 3072, 'vector', 'x')$$, '23514', null,
                 'a vector index above 2,000 dimensions is refused');

select * from finish();
rollback;
