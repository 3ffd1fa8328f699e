-- Verify lokdarpan:ai/embedding_store on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ai/embedding_store.sql.

begin;

select 1 / (count(*) = 7)::int from pg_catalog.pg_attribute
 where attrelid = 'ai.embedding_model'::regclass and attnum > 0 and not attisdropped
   and attname in ('model_name', 'dimensions', 'index_type', 'ef_search', 'provider', 'description', 'created_at');
select 1 / (count(*) = 27)::int from pg_catalog.pg_attribute
 where attrelid = 'ai.embedding_store'::regclass and attnum > 0 and not attisdropped
   and attname in ('embedding_id', 'content_chunk', 'content_hash', 'chunk_index', 'source_type', 'source_url', 'source_title', 'published_at', 'fetched_at', 'expires_at', 'ward_context', 'region_context', 'political_entities', 'content_type', 'language', 'political_relevance_score', 'credibility_score', 'fact_check_status', 'processing_metadata', 'quality_flags', 'embedding', 'embedding_model', 'embedding_dimensions', 'created_at', 'updated_at', 'last_accessed_at', 'access_count');
select 'ai.ix_embedding_store__embedding_model__embedding_dimensions'::regclass;
select 'ai.ix_embedding_store__ward_context__published_at'::regclass;
select 'ai.ix_embedding_store__expires_at'::regclass;
select 'ai.ix_embedding_store__source_type__published_at'::regclass;
select 'ai.ix_embedding_store__embedding__all_minilm_l6_v2'::regclass;
select 'ai.ix_embedding_store__embedding__text_embedding_3_small'::regclass;
select 'ai.ix_embedding_store__embedding__text_embedding_3_large'::regclass;
select 'ai.embedding_index_name(text)'::regprocedure;
select 'ai.embedding_vector_expr(text, text)'::regprocedure;
select 'ai.embedding_index_ddl(text, int4, int4)'::regprocedure;
select 'ai.touch_embeddings(int8[], timestamptz)'::regprocedure;

-- answers from the catalog or on constants
select 1 / (count(*) = 3)::int from pg_catalog.pg_indexes
 where schemaname = 'ai' and tablename = 'embedding_store' and indexdef like '%USING hnsw%';

rollback;
