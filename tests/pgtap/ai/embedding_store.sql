-- Behaviour of ai/embedding_store (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(4);

select ok(count(*) > 0, 'ai/embedding_store: check 1') from ai.embedding_model where model_name = 'text-embedding-3-large' and index_type = 'halfvec';
select ok(count(*) = 3, 'ai/embedding_store: check 2') from pg_catalog.pg_indexes
 where schemaname = 'ai' and tablename = 'embedding_store' and indexdef like '%USING hnsw%';
insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model, embedding_dimensions)
values ('verify chunk', 'manual', array_fill(0.5, array[384])::real[]::extensions.vector, 'all-MiniLM-L6-v2', 384);
select ok(count(*) > 0, 'ai/embedding_store: check 3') from ai.embedding_store where content_hash = core.text_sha256('verify chunk');
select lives_ok($tap$
do $$
begin
    insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model, embedding_dimensions)
    values ('verify wrong size', 'manual', '[1,2,3]', 'all-MiniLM-L6-v2', 384);
    raise exception 'an embedding of the wrong dimension was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'ai/embedding_store: check 4');

select * from finish();
rollback;
