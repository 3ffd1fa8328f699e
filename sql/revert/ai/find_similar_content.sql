-- Revert lokdarpan:ai/find_similar_content from pg

begin;

drop function ai.find_similar_content(extensions.vector, text, integer, double precision, text);
drop function ai.similar_content_sql(text);
drop function ai.resolve_embedding_model(text, integer);

commit;
