-- Verify lokdarpan:knowledge/fact_check on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/knowledge/fact_check.sql.

begin;

select 1 / (count(*) = 11)::int from pg_catalog.pg_attribute
 where attrelid = 'knowledge.fact_check_result'::regclass and attnum > 0 and not attisdropped
   and attname in ('check_id', 'claim_text', 'claimant', 'ward_name', 'verdict', 'confidence', 'evidence', 'fact_id', 'checked_by', 'checked_at', 'method');
select 'knowledge.ix_fact_check_result__ward_name__checked_at'::regclass;
select 'knowledge.ix_fact_check_result__fact_id'::regclass;
select 'knowledge.ix_fact_check_result__checked_by'::regclass;

rollback;
