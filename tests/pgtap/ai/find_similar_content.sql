-- Behaviour of ai/find_similar_content (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model, embedding_dimensions,
                                ward_context)
values ('verify near', 'manual', array_fill(1, array[384])::real[]::extensions.vector, 'all-MiniLM-L6-v2', 384,
        'Kapra');
select ok(count(*) > 0, 'ai/find_similar_content: check 1')
  from ai.find_similar_content(array_fill(1, array[384])::real[]::extensions.vector, 'kapra', 5, 0.99) f
 where f.content_chunk = 'verify near' and abs(f.similarity_score - 1) < 1e-6;
select ok(count(*) = 0, 'ai/find_similar_content: check 2')
  from ai.find_similar_content(array_fill(1, array[384])::real[]::extensions.vector, 'Uppal', 5, 0.0) f;

select * from finish();
rollback;
