-- Revert lokdarpan:audit/roles from pg
-- Drops each role this package created (marked by its comment) unless another database still
-- uses it (pg_shdepend rows or per-database settings outside this database) or a role outside
-- the package is a member of it; a kept role is reported with a notice. Roles are dropped in
-- reverse dependency order (admin before analyst before readonly).

begin;

do $$
declare
    v_role   text;
    v_oid    oid;
    v_marker constant text := 'managed by lokdarpan:audit/roles';
    v_db     oid := (select d.oid from pg_catalog.pg_database d where d.datname = pg_catalog.current_database());
    v_why    text;
begin
    foreach v_role in array array['lokdarpan_ingest', 'lokdarpan_app', 'lokdarpan_admin',
                                  'lokdarpan_analyst', 'lokdarpan_readonly'] loop
        select r.oid into v_oid from pg_catalog.pg_roles r where r.rolname = v_role;
        continue when v_oid is null;
        execute format('alter role %I in database %I reset lokdarpan.package',
                       v_role, pg_catalog.current_database());
        if pg_catalog.shobj_description(v_oid, 'pg_authid') is distinct from v_marker then
            raise notice 'role % was not created by this package: kept', v_role;
            continue;
        end if;
        v_why := null;
        select 'database ' || coalesce(d.datname, 'cluster-wide object') || ' depends on it' into v_why
          from pg_catalog.pg_shdepend s
          left join pg_catalog.pg_database d on d.oid = s.dbid
         where s.refclassid = 'pg_catalog.pg_authid'::regclass and s.refobjid = v_oid
           and s.dbid <> v_db
         limit 1;
        if v_why is null then
            select 'it has settings in database ' || d.datname into v_why
              from pg_catalog.pg_db_role_setting s
              join pg_catalog.pg_database d on d.oid = s.setdatabase
             where s.setrole = v_oid and s.setdatabase <> v_db
             limit 1;
        end if;
        if v_why is null then
            select 'role ' || m.rolname || ' is a member of it' into v_why
              from pg_catalog.pg_auth_members am
              join pg_catalog.pg_roles m on m.oid = am.member
             where am.roleid = v_oid and m.rolname not like 'lokdarpan%'
             limit 1;
        end if;
        if v_why is not null then
            raise notice 'role % kept: %', v_role, v_why;
            continue;
        end if;
        execute format('drop role %I', v_role);
    end loop;
end
$$;

commit;
