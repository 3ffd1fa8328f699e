-- Verify lokdarpan:audit/ward_rls on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/audit/ward_rls.sql.

begin;

select 1 / relrowsecurity::int from pg_catalog.pg_class where oid = 'core.post'::regclass;
select 1 / relrowsecurity::int from pg_catalog.pg_class where oid = 'core.alert'::regclass;
select 1 / relrowsecurity::int from pg_catalog.pg_class where oid = 'core.epaper'::regclass;

-- answers from the catalog or on constants
select 1 / (count(*) = 3)::int from pg_catalog.pg_policy p
 where p.polname = 'ward_access'
   and p.polrelid in ('core.post'::regclass, 'core.alert'::regclass, 'core.epaper'::regclass);
select 1 / (count(*) = 3)::int from pg_catalog.pg_class c
 where c.oid in ('core.post'::regclass, 'core.alert'::regclass, 'core.epaper'::regclass) and c.relrowsecurity;

rollback;
