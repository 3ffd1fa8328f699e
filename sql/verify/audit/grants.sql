-- Verify lokdarpan:audit/grants on pg

begin;

select 1 / (has_table_privilege('lokdarpan_analyst', 'core.post', 'select')
            and not has_table_privilege('lokdarpan_analyst', 'core.post', 'insert')
            and has_table_privilege('lokdarpan_analyst', 'core.alert', 'update')
            and not has_table_privilege('lokdarpan_readonly', 'core.app_user', 'select')
            and has_table_privilege('lokdarpan_ingest', 'core.post', 'insert')
            and has_table_privilege('lokdarpan_admin', 'audit.audit_log', 'select')
            and not has_table_privilege('lokdarpan_admin', 'audit.audit_log', 'delete')
            and not has_table_privilege('lokdarpan_app', 'audit.audit_log', 'update'))::int;
-- no partition of a ward table is readable by readonly or analyst
select 1 / (count(*) = 0)::int
  from pg_catalog.pg_inherits i
 where i.inhparent = 'core.post'::regclass
   and has_table_privilege('lokdarpan_analyst', i.inhrelid, 'select');
select 1 / count(*)
  from pg_catalog.pg_db_role_setting s
 where s.setrole = (select r.oid from pg_catalog.pg_roles r where r.rolname = 'lokdarpan_app')
   and s.setdatabase = (select d.oid from pg_catalog.pg_database d where d.datname = pg_catalog.current_database())
   and ('search_path=' || audit.default_search_path()) = any (s.setconfig);
select 1 / count(*) from pg_catalog.pg_default_acl d
 where d.defaclobjtype = 'r' and d.defaclnamespace = 'core'::regnamespace
   and d.defaclacl::text like '%lokdarpan_admin=r/%';

rollback;
