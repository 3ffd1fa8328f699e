-- Verify lokdarpan:ai/find_similar_content on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ai/find_similar_content.sql.

begin;

select 'ai.resolve_embedding_model(text, int4)'::regprocedure;
select 'ai.similar_content_sql(text)'::regprocedure;
select 'ai.find_similar_content(extensions.vector, text, int4, float8, text)'::regprocedure;

rollback;
