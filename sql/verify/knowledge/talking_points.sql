-- Verify lokdarpan:knowledge/talking_points on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/knowledge/talking_points.sql.

begin;

select 1 / (count(*) = 9)::int from pg_catalog.pg_attribute
 where attrelid = 'knowledge.talking_points_template'::regclass and attnum > 0 and not attisdropped
   and attname in ('template_id', 'name', 'purpose', 'body', 'parameters', 'is_active', 'created_by', 'created_at', 'updated_at');
select 'knowledge.ix_talking_points_template__created_by'::regclass;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'knowledge.talking_points_template'::regclass and tgname = 'tg_talking_points_template__touch_updated_at';
select 1 / (count(*) = 8)::int from pg_catalog.pg_attribute
 where attrelid = 'knowledge.talking_points_generation'::regclass and attnum > 0 and not attisdropped
   and attname in ('generation_id', 'template_id', 'user_id', 'ward_name', 'generated_at', 'output', 'inputs', 'model');
select 'knowledge.ix_talking_points_generation__ward_name__generated_at'::regclass;
select 'knowledge.ix_talking_points_generation__template_id'::regclass;
select 'knowledge.ix_talking_points_generation__user_id'::regclass;
select 1 / (count(*) = 2)::int from pg_catalog.pg_attribute
 where attrelid = 'knowledge.talking_points_generation_fact'::regclass and attnum > 0 and not attisdropped
   and attname in ('generation_id', 'fact_id');
select 'knowledge.ix_talking_points_generation_fact__fact_id'::regclass;
select 'knowledge.tg_talking_points_generation_fact__check_fact()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'knowledge.talking_points_generation_fact'::regclass and tgname = 'tg_talking_points_generation_fact__check_fact';
select 'knowledge.tg_talking_points_generation__freeze_generated_at()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'knowledge.talking_points_generation'::regclass and tgname = 'tg_talking_points_generation__freeze_generated_at';

rollback;
