-- Verify lokdarpan:audit/ai_access on pg

begin;

select 1 / (count(*) = 0)::int from audit.ward_scoped_table where status = 'unprotected' and table_schema = 'ai';
select 1 / count(*) from pg_catalog.pg_policy
 where polrelid = 'ai.embedding_store'::regclass and polname = 'ward_access';
select 1 / has_table_privilege('lokdarpan_app', 'ai.model_execution', 'insert')::int;

rollback;
