-- Verify lokdarpan:ai/embedding_store on pg

begin;

select 1 / count(*) from ai.embedding_model where model_name = 'text-embedding-3-large' and index_type = 'halfvec';
select 1 / (count(*) = 3)::int from pg_catalog.pg_indexes
 where schemaname = 'ai' and tablename = 'embedding_store' and indexdef like '%USING hnsw%';
insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model, embedding_dimensions)
values ('verify chunk', 'manual', array_fill(0.5, array[384])::real[]::extensions.vector, 'all-MiniLM-L6-v2', 384);
select 1 / count(*) from ai.embedding_store where content_hash = core.text_sha256('verify chunk');
do $$
begin
    insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model, embedding_dimensions)
    values ('verify wrong size', 'manual', '[1,2,3]', 'all-MiniLM-L6-v2', 384);
    raise exception 'an embedding of the wrong dimension was accepted';
exception when check_violation then
    null;
end
$$;

rollback;
