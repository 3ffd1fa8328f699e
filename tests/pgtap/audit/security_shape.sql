-- pgTAP: shape and behaviour of the audit module: roles, grants, policies, the append-only
-- audit log, and row-level security tried by switching identity (as basejump does).
begin;
select plan(29);

select has_role(r) from unnest(array['lokdarpan_readonly', 'lokdarpan_analyst', 'lokdarpan_admin',
                                     'lokdarpan_app', 'lokdarpan_ingest']) r;
select is((select count(*)::int from pg_roles where rolname like 'lokdarpan\_%' and (rolcanlogin or rolsuper
           or rolbypassrls or rolcreaterole or rolcreatedb)), 0, 'group roles cannot log in and hold no attributes');
select is_member_of('lokdarpan_readonly', 'lokdarpan_analyst');
select is_member_of('lokdarpan_analyst', 'lokdarpan_admin');
select has_table('audit', 'ward_assignment', 'ward assignments exist');
select col_is_pk('audit', 'ward_assignment', array['role_name', 'ward_name']::name[], 'one row per role and ward');
select is((select relkind::text from pg_class where oid = 'audit.audit_log'::regclass), 'p', 'audit log is partitioned');
select is((select count(*)::int from core.partitions_of('audit.audit_log') where is_default), 0,
          'audit log has no default partition (append-only forbids the moves out of it)');
select has_trigger('audit', 'audit_log', 'tg_audit_log__append_only'::name, 'tg_audit_log__append_only on audit.audit_log');
select has_trigger('audit', 'audit_log', 'tg_audit_log__no_truncate'::name, 'tg_audit_log__no_truncate on audit.audit_log');
select has_trigger('core', 'app_user', 'tg_app_user__audit'::name, 'tg_app_user__audit on core.app_user');
select has_trigger('core', 'alert', 'tg_alert__audit'::name, 'tg_alert__audit on core.alert');
select is((select evtevent || ' ' || array_to_string(evttags, ',') from pg_event_trigger
            where evtname = 'lokdarpan_audit_privileges'),
          'ddl_command_end GRANT,REVOKE,ALTER DEFAULT PRIVILEGES', 'privilege changes are audited');
select hasnt_trigger('core', 'post', 'tg_post__audit'::name, 'tg_post__audit on core.post');
select is((select count(*)::int from pg_roles r, unnest(array['UPDATE', 'DELETE', 'TRUNCATE']) p
            where r.rolname like 'lokdarpan\_%' and has_table_privilege(r.oid, 'audit.audit_log', p)), 0,
          'no product role may UPDATE, DELETE or TRUNCATE the audit log');
select table_privs_are('audit', 'audit_log', 'lokdarpan_admin', array['SELECT'], 'admin only reads the audit log');
select table_privs_are('core', 'app_user', 'lokdarpan_readonly', array[]::text[], 'readonly never sees user rows');
select is((select array_agg(polrelid::regclass::text order by polrelid::regclass::text) from pg_policy where polname = 'ward_access'
            and polrelid in ('core.post'::regclass, 'core.alert'::regclass, 'core.epaper'::regclass)),
          array['core.alert', 'core.epaper', 'core.post'], 'ward policies on posts, alerts, e-papers');
select is_definer('audit', 'visible_wards', array[]::name[]);
select isnt_definer('audit', 'enable_ward_rls', array['regclass', 'name', 'boolean']::name[]);
select function_privs_are('audit', 'enable_audit', array['regclass', 'text[]'], 'public', array[]::text[],
                          'enable_audit is not executable by PUBLIC');
insert into core.alert (ward_name, description) values ('Uppal', 'pgtap uppal'), ('Kapra', 'pgtap kapra');
select throws_ok($$update audit.audit_log set app_user = 'x'$$, '42501', null, 'owner cannot update the audit log');

-- identity switching: an analyst of Kapra
create role t_pgtap_analyst nologin in role lokdarpan_analyst;
insert into audit.ward_assignment (role_name, ward_name) values ('t_pgtap_analyst', 'Kapra');
set local role t_pgtap_analyst;
select results_eq($$select ward_name from core.alert where description like 'pgtap %'$$, array['Kapra'],
                  'the analyst sees only its ward');
select throws_ok($$insert into core.alert (ward_name, description) values ('Uppal', 'x')$$, '42501',
                 'new row violates row-level security policy for table "alert"', 'and cannot write another ward');
select throws_ok($$select * from audit.audit_log$$, '42501', null, 'nor read the audit log');
reset role;

select * from finish();
rollback;
