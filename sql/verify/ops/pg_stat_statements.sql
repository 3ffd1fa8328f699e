-- Verify lokdarpan:ops/pg_stat_statements on pg

begin;

select 1 / count(*)
  from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
 where e.extname = 'pg_stat_statements' and n.nspname = 'extensions';

rollback;
