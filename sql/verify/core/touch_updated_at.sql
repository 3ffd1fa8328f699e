-- Verify lokdarpan:core/touch_updated_at on pg

begin;

select 1 / count(*) from pg_catalog.pg_proc
 where oid = 'core.tg__touch_updated_at()'::regprocedure
   and prorettype = 'trigger'::regtype;

rollback;
