-- Deploy lokdarpan:knowledge/integrity_check to pg
-- requires: knowledge/talking_points
-- requires: ops/integrity_check
-- Registers the knowledge module's check behind ops.validate_data_integrity(): talking points
-- that cite a fact which has since been disputed or found false (they were valid when
-- generated, but should not be reused).

begin;

create function knowledge.check_discredited_citations()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, knowledge
as $$
    select case when count(*) = 0 then 'PASS' else 'WARN' end, count(*),
           case when count(*) = 0 then 'no generation cites a fact now disputed or false'
                else 'generations citing facts now disputed or false (review before reuse): '
                     || string_agg(x.generation_id::text, ', ' order by x.generation_id) end
      from (select distinct f.generation_id
              from knowledge.talking_points_generation_fact f
              join knowledge.knowledge_base k on k.fact_id = f.fact_id
             where k.verification_status in ('disputed', 'false')) x
$$;
comment on function knowledge.check_discredited_citations() is
    'Integrity check: WARN listing talking-points generations that cite a fact now disputed or '
    'false; PASS otherwise. One join of the citations with the knowledge base.';

insert into ops.integrity_check (check_name, check_function, description) values
    ('knowledge_discredited_citations', 'knowledge.check_discredited_citations',
     'No talking points cite a fact that has since been disputed or found false');

commit;
