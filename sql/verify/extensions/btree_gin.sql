-- Verify lokdarpan:extensions/btree_gin on pg

begin;

select 1 / count(*)
  from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
 where e.extname = 'btree_gin' and n.nspname = 'extensions';

rollback;
