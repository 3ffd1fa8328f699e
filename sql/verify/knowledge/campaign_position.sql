-- Verify lokdarpan:knowledge/campaign_position on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/knowledge/campaign_position.sql.

begin;

select 1 / (count(*) = 13)::int from pg_catalog.pg_attribute
 where attrelid = 'knowledge.campaign_position'::regclass and attnum > 0 and not attisdropped
   and attname in ('position_id', 'party', 'ward_name', 'topic', 'stance', 'statement', 'source_url', 'evidence_fact_id', 'effective_from', 'effective_to', 'created_by', 'created_at', 'updated_at');
select 'knowledge.ix_campaign_position__party__topic'::regclass;
select 'knowledge.ix_campaign_position__ward_name__topic'::regclass;
select 'knowledge.ix_campaign_position__evidence_fact_id'::regclass;
select 'knowledge.ix_campaign_position__created_by'::regclass;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'knowledge.campaign_position'::regclass and tgname = 'tg_campaign_position__touch_updated_at';

rollback;
