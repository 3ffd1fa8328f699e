-- Verify lokdarpan:audit/roles on pg

begin;

select 1 / (count(*) = 5)::int
  from pg_catalog.pg_roles r
 where r.rolname in ('lokdarpan_readonly', 'lokdarpan_analyst', 'lokdarpan_admin',
                     'lokdarpan_app', 'lokdarpan_ingest')
   and not r.rolsuper and not r.rolbypassrls;
select 1 / (count(*) = 5)::int
  from pg_catalog.pg_db_role_setting s
  join pg_catalog.pg_roles r on r.oid = s.setrole
 where s.setdatabase = (select d.oid from pg_catalog.pg_database d where d.datname = pg_catalog.current_database())
   and r.rolname like 'lokdarpan\_%'
   and 'lokdarpan.package=on' = any (s.setconfig);
select 1 / pg_catalog.pg_has_role('lokdarpan_admin', 'lokdarpan_readonly', 'member')::int;
select 1 / pg_catalog.pg_has_role('lokdarpan_analyst', 'lokdarpan_readonly', 'member')::int;
select 1 / (not pg_catalog.pg_has_role('lokdarpan_analyst', 'lokdarpan_admin', 'member'))::int;

rollback;
