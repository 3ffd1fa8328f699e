-- Verify lokdarpan:knowledge/knowledge_base on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/knowledge/knowledge_base.sql.

begin;

select 1 / (count(*) = 17)::int from pg_catalog.pg_attribute
 where attrelid = 'knowledge.knowledge_base'::regclass and attnum > 0 and not attisdropped
   and attname in ('fact_id', 'title', 'content', 'content_type', 'ward_name', 'source_name', 'source_url', 'credibility_score', 'verification_status', 'verified_by', 'verified_at', 'valid_from', 'expires_at', 'tags', 'metadata', 'created_at', 'updated_at');
select 'knowledge.ix_knowledge_base__ward_name__verification_status'::regclass;
select 'knowledge.ix_knowledge_base__verification_status__expires_at'::regclass;
select 'knowledge.ix_knowledge_base__verified_by'::regclass;
select 'knowledge.ix_knowledge_base__tags'::regclass;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'knowledge.knowledge_base'::regclass and tgname = 'tg_knowledge_base__touch_updated_at';

rollback;
