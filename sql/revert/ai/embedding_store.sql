-- Revert lokdarpan:ai/embedding_store from pg

begin;

drop function ai.touch_embeddings(bigint[], timestamptz);
drop function ai.embedding_index_ddl(text, integer, integer);
drop function ai.embedding_vector_expr(text, text);
drop function ai.embedding_index_name(text);
drop table ai.embedding_store;
drop table ai.embedding_model;

commit;
