-- Deploy lokdarpan:audit/ward_access to pg
-- requires: audit/roles
-- requires: core/ward
-- Who may see which ward, and the one mechanism every module uses to enforce it: row-level
-- security through audit.enable_ward_rls(table, ward column). Modules written later call it in
-- their own changes (and audit.disable_ward_rls in their reverts); materialized views, which
-- cannot carry row-level security, are closed and exposed through a security-barrier view by
-- audit.protect_ward_matview.
--
-- Decisions:
-- * The caller is audit.caller_role(): the role set with SET ROLE, else the session user. Inside
--   a SECURITY DEFINER function current_user is the function's owner, but the "role" setting
--   and session_user still name the caller, so the same ward check works there too.
-- * Superusers, BYPASSRLS roles and members of lokdarpan_admin, lokdarpan_app and
--   lokdarpan_ingest see every ward; any other role sees the wards assigned to it or to a role
--   it is a member of (so assigning a ward to a group role assigns it to its members).
-- * Policies are written for PUBLIC with the ward set computed once per statement
--   ((select ...) makes an InitPlan), so the ward index is still used on big tables.
-- * Tables are not FORCEd: the owner (the role that deploys) is trusted; applications and
--   people never connect as the owner.

begin;

create table audit.ward_assignment (
    role_name    text not null,
    ward_name    text not null constraint fk_ward_assignment__ward_name references core.ward (ward_name) on update cascade,
    assigned_at  timestamptz not null default now(),
    assigned_by  text not null default session_user,
    constraint pk_ward_assignment primary key (role_name, ward_name),
    constraint ck_ward_assignment__role_name check (role_name <> '')
);
create index ix_ward_assignment__ward_name on audit.ward_assignment (ward_name);
comment on table audit.ward_assignment is
    'Wards each role may see through row-level security (assigning to a group role assigns to its members).';
comment on column audit.ward_assignment.role_name is
    'Role name (pg_roles.rolname); checked to exist when the row is written.';
comment on column audit.ward_assignment.assigned_by is 'Session user that wrote the assignment.';

create table audit.ward_rls_exemption (
    table_schema  text not null,
    table_name    text not null,
    reason        text not null,
    constraint pk_ward_rls_exemption primary key (table_schema, table_name),
    constraint ck_ward_rls_exemption__reason check (btrim(reason) <> '')
);
comment on table audit.ward_rls_exemption is
    'Tables that hold a ward column but are not ward data (e.g. the ward registry), with the reason; '
    'audit.ward_scoped_table reports every other ward table that lacks row-level security.';
insert into audit.ward_rls_exemption (table_schema, table_name, reason) values
    ('core', 'ward', 'the ward registry itself: every role may list the 145 wards');

create function audit.caller_role()
returns text
language sql
stable
parallel safe
set search_path = pg_catalog
as $$
    select coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user::text)
$$;
comment on function audit.caller_role() is
    'The role on whose behalf the statement runs: the SET ROLE role, else the session user. Unlike '
    'current_user it is the caller inside SECURITY DEFINER functions too. Cost: one setting read.';

create function audit.sees_all_wards()
returns boolean
language sql
stable
parallel safe
set search_path = pg_catalog
as $$
    select coalesce((
        select r.rolsuper or r.rolbypassrls
               or exists (select 1 from pg_catalog.pg_roles g
                           where g.rolname in ('lokdarpan_admin', 'lokdarpan_app', 'lokdarpan_ingest')
                             and pg_catalog.pg_has_role(r.oid, g.oid, 'member'))
          from pg_catalog.pg_roles r
         where r.rolname = audit.caller_role()), false)
$$;
comment on function audit.sees_all_wards() is
    'true when the caller (audit.caller_role()) sees every ward: superuser, BYPASSRLS, or member of '
    'lokdarpan_admin, lokdarpan_app or lokdarpan_ingest. Cost: a few catalog lookups; evaluate once '
    'per statement as (select audit.sees_all_wards()).';

create function audit.visible_wards()
returns text[]
language sql
stable
security definer
parallel safe
set search_path = pg_catalog, audit, pg_temp
as $$
    select coalesce(array_agg(distinct a.ward_name order by a.ward_name), '{}')
      from audit.ward_assignment a
      join pg_catalog.pg_roles g on g.rolname = a.role_name
     where pg_catalog.pg_has_role(audit.caller_role()::name, g.oid, 'member')
$$;
comment on function audit.visible_wards() is
    'Ward names assigned to the caller (audit.caller_role()) or to a role it is a member of, sorted; '
    'empty array when none. SECURITY DEFINER so the caller needs no right on audit.ward_assignment. '
    'Cost: one scan of the assignments; evaluate once per statement as (select audit.visible_wards()).';

create function audit.can_see_ward(p_ward text)
returns boolean
language sql
stable
parallel safe
set search_path = pg_catalog, audit
as $$
    select audit.sees_all_wards() or p_ward = any (audit.visible_wards())
$$;
comment on function audit.can_see_ward(text) is
    'true when the caller may see ward p_ward (exact canonical name); false for NULL. The ward check '
    'for SECURITY DEFINER functions that bypass row-level security.';

create function audit.ward_predicate(p_column name, p_nulls_visible boolean default false)
returns text
language sql
immutable
parallel safe
set search_path = pg_catalog
as $$
    select format('((select audit.sees_all_wards()) or %I = any ((select audit.visible_wards())::text[])%s)',
                  p_column, case when p_nulls_visible then format(' or %I is null', p_column) else '' end)
$$;
comment on function audit.ward_predicate(name, boolean) is
    'SQL text of the standard ward filter on column p_column (rows with a NULL ward are visible when '
    'p_nulls_visible), as used by the ward_access policies and the protected views.';

create function audit.enable_ward_rls(p_table regclass, p_ward_column name, p_nulls_visible boolean default false)
returns text
language plpgsql
volatile
set search_path = pg_catalog, audit
as $$
declare
    v_kind  "char";
    v_type  regtype;
    v_pred  text := audit.ward_predicate(p_ward_column, p_nulls_visible);
    v_part  record;
begin
    select c.relkind into v_kind from pg_catalog.pg_class c where c.oid = p_table;
    if v_kind not in ('r', 'p') then
        raise exception '% is not a table (materialized views: audit.protect_ward_matview)', p_table
            using errcode = 'wrong_object_type';
    end if;
    select a.atttypid::regtype into v_type from pg_catalog.pg_attribute a
     where a.attrelid = p_table and a.attname = p_ward_column and a.attnum > 0 and not a.attisdropped;
    if v_type is null then
        raise exception 'column % of % does not exist', p_ward_column, p_table
            using errcode = 'undefined_column';
    elsif v_type not in ('text'::regtype, 'character varying'::regtype) then
        raise exception 'ward column %.% is %, expected text', p_table, p_ward_column, v_type
            using errcode = 'datatype_mismatch';
    end if;
    execute format('alter table %s enable row level security', p_table);
    execute format('drop policy if exists ward_access on %s', p_table);
    execute format('create policy ward_access on %s as permissive for all to public using %s with check %s',
                   p_table, v_pred, v_pred);
    execute format('comment on policy ward_access on %s is %L', p_table,
                   format('Rows of the wards the caller may see (column %I); set by audit.enable_ward_rls.',
                          p_ward_column));
    -- policies on a partitioned parent apply to queries through the parent only: close the
    -- partitions themselves to every role that relies on the policy
    for v_part in select i.inhrelid::regclass as part from pg_catalog.pg_inherits i where i.inhparent = p_table loop
        execute format('revoke all on %s from public, lokdarpan_readonly, lokdarpan_analyst', v_part.part);
    end loop;
    return format('row-level security by ward on %s (%I)', p_table, p_ward_column);
end
$$;
comment on function audit.enable_ward_rls(regclass, name, boolean) is
    'Enables row-level security on p_table with the standard policy ward_access (caller sees rows whose '
    'p_ward_column is one of audit.visible_wards(), or all rows when audit.sees_all_wards()); NULL wards '
    'visible when p_nulls_visible. Revokes direct access to its partitions from readonly/analyst. '
    'Idempotent; needs ownership of p_table. Returns a one-line description.';

create function audit.disable_ward_rls(p_table regclass)
returns text
language plpgsql
volatile
set search_path = pg_catalog, audit
as $$
begin
    execute format('drop policy if exists ward_access on %s', p_table);
    if not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = p_table) then
        execute format('alter table %s disable row level security', p_table);
    end if;
    return format('row-level security by ward removed from %s', p_table);
end
$$;
comment on function audit.disable_ward_rls(regclass) is
    'Inverse of audit.enable_ward_rls for reverts: drops policy ward_access and disables row-level '
    'security when no other policy remains. Returns a one-line description.';

create function audit.protect_ward_matview(p_matview regclass, p_ward_column name, p_view_name name default null,
                                           p_nulls_visible boolean default false)
returns regclass
language plpgsql
volatile
set search_path = pg_catalog, audit
as $$
declare
    v_schema  text;
    v_name    text;
    v_view    text;
begin
    select n.nspname, c.relname into v_schema, v_name
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.oid = p_matview and c.relkind = 'm';
    if v_name is null then
        raise exception '% is not a materialized view', p_matview using errcode = 'wrong_object_type';
    end if;
    if not exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = p_matview
                     and a.attname = p_ward_column and a.attnum > 0) then
        raise exception 'column % of % does not exist', p_ward_column, p_matview using errcode = 'undefined_column';
    end if;
    if p_view_name = '' then
        raise exception 'view name must not be empty' using errcode = 'invalid_parameter_value';
    end if;
    v_view := format('%I.%I', v_schema, coalesce(p_view_name, (v_name || '_by_ward')::name));
    execute format('revoke all on %s from public, lokdarpan_readonly, lokdarpan_analyst', p_matview);
    execute format('create view %s with (security_barrier = true) as select * from %s where %s',
                   v_view, p_matview, audit.ward_predicate(p_ward_column, p_nulls_visible));
    execute format('comment on view %s is %L', v_view,
                   format('Rows of %s for the wards the caller may see (security barrier; set by '
                          'audit.protect_ward_matview).', p_matview));
    execute format('grant select on %s to lokdarpan_readonly', v_view);
    return v_view::regclass;
end
$$;
comment on function audit.protect_ward_matview(regclass, name, name, boolean) is
    'Materialized views cannot carry row-level security: revokes direct access to p_matview from '
    'public/readonly/analyst and creates the security-barrier view p_view_name (default '
    '<matview>_by_ward) in the same schema filtering by the caller''s wards, readable by lokdarpan_readonly. '
    'Returns the view. Inverse: drop the view (audit.unprotect_ward_matview).';

create function audit.unprotect_ward_matview(p_view regclass)
returns text
language plpgsql
volatile
set search_path = pg_catalog, audit
as $$
begin
    if not exists (select 1 from pg_catalog.pg_class c where c.oid = p_view and c.relkind = 'v') then
        raise exception '% is not a view', p_view using errcode = 'wrong_object_type';
    end if;
    execute format('drop view %s', p_view);
    return format('dropped %s', p_view);
end
$$;
comment on function audit.unprotect_ward_matview(regclass) is
    'Inverse of audit.protect_ward_matview for reverts: drops the security-barrier view. Returns a '
    'one-line description.';

create view audit.ward_scoped_table as
with product as (
    select c.oid, n.nspname, c.relname, c.relkind, c.relrowsecurity, c.reloptions
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'm', 'v') and not c.relispartition
       and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'public', 'extensions',
                             'lokdarpan_meta', 'sqitch')
       and n.nspname not like 'pg\_temp%' and n.nspname not like 'pg\_toast\_temp%'
       and not exists (select 1 from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e')
), ward_col as (
    select p.oid, min(a.attname::text) as ward_column
      from product p
      join pg_catalog.pg_attribute a on a.attrelid = p.oid and a.attnum > 0 and not a.attisdropped
     where a.attname in ('ward_name', 'city', 'ward', 'ward_context')
        or exists (select 1 from pg_catalog.pg_constraint k
                    where k.conrelid = p.oid and k.contype = 'f' and k.confrelid = 'core.ward'::regclass
                      and a.attnum = any (k.conkey))
     group by p.oid
)
select p.nspname::text as table_schema,
       p.relname::text as table_name,
       case p.relkind when 'r' then 'table' when 'p' then 'partitioned table'
                      when 'm' then 'materialized view' else 'view' end as kind,
       w.ward_column,
       p.relrowsecurity as rls_enabled,
       exists (select 1 from pg_catalog.pg_policy pol where pol.polrelid = p.oid) as has_policy,
       e.reason as exemption,
       case
           when e.reason is not null then 'exempt'
           when p.relkind in ('r', 'p') and p.relrowsecurity
                and exists (select 1 from pg_catalog.pg_policy pol where pol.polrelid = p.oid) then 'protected'
           when p.relkind = 'm' and not pg_catalog.has_table_privilege('lokdarpan_analyst', p.oid, 'select')
                then 'protected'
           when p.relkind = 'v' and (array_to_string(p.reloptions, ',') ~ 'security_invoker=(true|on|yes|1)'
                                     or (array_to_string(p.reloptions, ',') ~ 'security_barrier=(true|on|yes|1)'
                                         and pg_catalog.pg_get_viewdef(p.oid) like '%visible_wards()%'))
                then 'protected'
           when p.relkind = 'v' and not pg_catalog.has_table_privilege('lokdarpan_analyst', p.oid, 'select')
                then 'protected'
           else 'unprotected'
       end as status
  from product p
  join ward_col w on w.oid = p.oid
  left join audit.ward_rls_exemption e on e.table_schema = p.nspname and e.table_name = p.relname;
comment on view audit.ward_scoped_table is
    'Every table, view and materialized view of the product that carries ward data (a column named '
    'ward_name, city, ward or ward_context, or a foreign key to core.ward) and how it is protected: '
    'protected (row-level security with a policy; matview or plain view closed to analysts; view '
    'with security_invoker or a security-barrier ward filter), exempt (audit.ward_rls_exemption) or '
    'unprotected.';

create function audit.tg_ward_assignment__check_role()
returns trigger
language plpgsql
set search_path = pg_catalog, audit
as $$
begin
    if not exists (select 1 from pg_catalog.pg_roles r where r.rolname = new.role_name) then
        raise exception 'role % does not exist', quote_ident(new.role_name)
            using errcode = 'undefined_object';
    end if;
    return new;
end
$$;
comment on function audit.tg_ward_assignment__check_role() is
    'Row trigger on audit.ward_assignment: the role must exist (raises undefined_object, 42704).';
create trigger tg_ward_assignment__check_role
    before insert or update on audit.ward_assignment
    for each row execute function audit.tg_ward_assignment__check_role();

alter table audit.ward_assignment enable row level security;
create policy ward_assignment_visible on audit.ward_assignment as permissive for all to public
    using ((select audit.sees_all_wards())
           or exists (select 1 from pg_catalog.pg_roles r
                       where r.rolname = ward_assignment.role_name
                         and pg_catalog.pg_has_role(audit.caller_role()::name, r.oid, 'member')))
    with check ((select audit.sees_all_wards()));
comment on policy ward_assignment_visible on audit.ward_assignment is
    'A role sees its own (and its groups'') assignments; only roles that see every ward may write them.';

create function audit.assign_ward(p_role text, p_ward text)
returns text
language plpgsql
volatile
set search_path = pg_catalog, audit, core
as $$
declare
    v_ward text := core.resolve_ward(p_ward);
begin
    insert into audit.ward_assignment (role_name, ward_name) values (p_role, v_ward)
    on conflict on constraint pk_ward_assignment do nothing;
    return v_ward;
end
$$;
comment on function audit.assign_ward(text, text) is
    'Lets role p_role see ward p_ward (name resolved ignoring case and spaces; unknown ward raises '
    'P0002, unknown role 42704). Idempotent; returns the canonical ward name.';

create function audit.unassign_ward(p_role text, p_ward text)
returns boolean
language sql
volatile
set search_path = pg_catalog, audit, core
as $$
    with gone as (
        delete from audit.ward_assignment a
         where a.role_name = p_role and a.ward_name = core.ward_lookup(p_ward)
        returning 1)
    select count(*) > 0 from gone
$$;
comment on function audit.unassign_ward(text, text) is
    'Removes ward p_ward from role p_role; true when an assignment was removed.';

commit;
