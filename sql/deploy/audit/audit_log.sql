-- Deploy lokdarpan:audit/audit_log to pg
-- requires: audit/roles
-- requires: core/partition
-- The audit trail: one row per INSERT, UPDATE or DELETE (and one per TRUNCATE) on the sensitive
-- tables, with the old and new row as jsonb, the acting role, the application user
-- (setting lokdarpan.app_user), the client address, the time and the transaction id. Tables are
-- audited by audit.enable_audit(table) (audit.disable_audit in reverts); bulk tables such as
-- core.post are not audited row by row (ingestion batches are recorded by the ingest module).
--
-- Append-only: no role is granted UPDATE, DELETE or TRUNCATE, and triggers refuse them for
-- everybody, the owner included (a superuser can still disable triggers: that is out of reach
-- of any schema). Because of that the table has NO default partition: the core partition
-- maintenance moves rows out of a default partition with a DELETE, which an append-only table
-- must refuse. Partitions are kept 6 months ahead; if maintenance stopped for that long, audited
-- writes would fail rather than go unaudited (fail closed), and ops reports missing future
-- partitions long before.

begin;

create sequence audit.audit_log_audit_id_seq as bigint;
comment on sequence audit.audit_log_audit_id_seq is 'Ids of audit.audit_log.';

create table audit.audit_log (
    audit_id        bigint not null default nextval('audit.audit_log_audit_id_seq'),
    logged_at       timestamptz not null default clock_timestamp(),
    table_schema    text not null,
    table_name      text not null,
    operation       text not null,
    old_row         jsonb,
    new_row         jsonb,
    acting_role     text not null default current_user,
    session_role    text not null default session_user,
    app_user        text,
    client_addr     inet,
    application     text,
    transaction_id  bigint not null,
    constraint pk_audit_log primary key (audit_id, logged_at),
    constraint ck_audit_log__operation check (operation in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'GRANT',
                                                           'REVOKE', 'ALTER DEFAULT PRIVILEGES')),
    constraint ck_audit_log__rows check (
        (operation = 'INSERT' and old_row is null and new_row is not null)
        or (operation = 'UPDATE' and old_row is not null and new_row is not null)
        or (operation = 'DELETE' and old_row is not null and new_row is null)
        or (operation = 'TRUNCATE' and old_row is null and new_row is null)
        or (operation in ('GRANT', 'REVOKE', 'ALTER DEFAULT PRIVILEGES') and old_row is null
            and new_row is not null))
) partition by range (logged_at);
alter sequence audit.audit_log_audit_id_seq owned by audit.audit_log.audit_id;
create index ix_audit_log__table_schema__table_name__logged_at
    on audit.audit_log (table_schema, table_name, logged_at);
create index ix_audit_log__app_user__logged_at on audit.audit_log (app_user, logged_at);

comment on table audit.audit_log is
    'Append-only audit trail of the audited tables (audit.enable_audit), partitioned by month of '
    'logged_at (audit_log_pYYYY_MM, no default partition). UPDATE, DELETE and TRUNCATE are refused.';
comment on column audit.audit_log.logged_at is 'clock_timestamp() when the change was made.';
comment on column audit.audit_log.operation is
    'INSERT, UPDATE, DELETE or TRUNCATE (audited tables); GRANT, REVOKE or ALTER DEFAULT PRIVILEGES '
    '(audit/grant_audit: new_row holds the command).';
comment on column audit.audit_log.old_row is 'Row before UPDATE/DELETE as jsonb (redacted columns hold "<redacted>").';
comment on column audit.audit_log.new_row is 'Row after INSERT/UPDATE as jsonb (redacted columns hold "<redacted>").';
comment on column audit.audit_log.acting_role is
    'The role on whose behalf the change ran (audit.caller_role(): SET ROLE role, else session user).';
comment on column audit.audit_log.session_role is 'session_user: the role that logged in.';
comment on column audit.audit_log.app_user is
    'Application user from the setting lokdarpan.app_user (set by the application per request), if any.';
comment on column audit.audit_log.client_addr is 'inet_client_addr(): NULL over a unix socket.';
comment on column audit.audit_log.application is 'application_name of the session.';
comment on column audit.audit_log.transaction_id is 'pg_current_xact_id() of the changing transaction.';

insert into core.partition_policy (parent_schema, parent_table, months_ahead, months_behind)
values ('audit', 'audit_log', 6, 0);
select count(*) from core.ensure_partitions(now(), 'audit.audit_log'::regclass);

create function audit.tg_audit_log__append_only()
returns trigger
language plpgsql
set search_path = pg_catalog, audit
as $$
begin
    raise exception 'audit.audit_log is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege',
              hint = 'audit rows are never changed or removed; retention detaches whole partitions';
end
$$;
comment on function audit.tg_audit_log__append_only() is
    'Trigger on audit.audit_log: refuses every UPDATE, DELETE and TRUNCATE (raises 42501).';
create trigger tg_audit_log__append_only
    before update or delete on audit.audit_log
    for each row execute function audit.tg_audit_log__append_only();
create trigger tg_audit_log__no_truncate
    before truncate on audit.audit_log
    for each statement execute function audit.tg_audit_log__append_only();

create function audit.tg__log_change()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, audit, pg_temp
as $$
declare
    v_redact  text[] := coalesce(tg_argv, '{}');
    v_old     jsonb;
    v_new     jsonb;
    v_col     text;
begin
    if tg_level = 'STATEMENT' then
        insert into audit.audit_log (table_schema, table_name, operation, acting_role, app_user,
                                     client_addr, application, transaction_id)
        values (tg_table_schema, tg_table_name, tg_op, audit.caller_role(),
                nullif(pg_catalog.current_setting('lokdarpan.app_user', true), ''),
                pg_catalog.inet_client_addr(),
                nullif(pg_catalog.current_setting('application_name', true), ''),
                pg_catalog.pg_current_xact_id()::text::bigint);
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        v_old := pg_catalog.to_jsonb(old);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        v_new := pg_catalog.to_jsonb(new);
    end if;
    foreach v_col in array v_redact loop
        if v_old ? v_col and v_old -> v_col <> 'null'::jsonb then
            v_old := pg_catalog.jsonb_set(v_old, array[v_col], '"<redacted>"');
        end if;
        if v_new ? v_col and v_new -> v_col <> 'null'::jsonb then
            v_new := pg_catalog.jsonb_set(v_new, array[v_col], '"<redacted>"');
        end if;
    end loop;
    insert into audit.audit_log (table_schema, table_name, operation, old_row, new_row, acting_role,
                                 app_user, client_addr, application, transaction_id)
    values (tg_table_schema, tg_table_name, tg_op, v_old, v_new, audit.caller_role(),
            nullif(pg_catalog.current_setting('lokdarpan.app_user', true), ''),
            pg_catalog.inet_client_addr(),
            nullif(pg_catalog.current_setting('application_name', true), ''),
            pg_catalog.pg_current_xact_id()::text::bigint);
    return null;
end
$$;
comment on function audit.tg__log_change() is
    'Generic AFTER trigger: writes one audit.audit_log row per changed row (or per TRUNCATE), with '
    'the columns named in the trigger arguments replaced by "<redacted>". SECURITY DEFINER so '
    'writers need no right on the log. Cost: one jsonb conversion and one insert per row.';

create function audit.enable_audit(p_table regclass, p_redact text[] default '{}')
returns text
language plpgsql
volatile
set search_path = pg_catalog, audit
as $$
declare
    v_name  text;
    v_col   text;
    v_args  text := '';
begin
    select c.relname into v_name from pg_catalog.pg_class c where c.oid = p_table and c.relkind in ('r', 'p');
    if v_name is null then
        raise exception '% is not a table', p_table using errcode = 'wrong_object_type';
    end if;
    if p_table = 'audit.audit_log'::regclass then
        raise exception 'the audit log does not audit itself' using errcode = 'invalid_parameter_value';
    end if;
    foreach v_col in array coalesce(p_redact, '{}') loop
        if not exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = p_table and a.attname = v_col
                         and a.attnum > 0 and not a.attisdropped) then
            raise exception 'column % of % does not exist', v_col, p_table using errcode = 'undefined_column';
        end if;
        v_args := v_args || case when v_args = '' then '' else ', ' end || format('%L', v_col);
    end loop;
    execute format('drop trigger if exists %I on %s', 'tg_' || v_name || '__audit', p_table);
    execute format('drop trigger if exists %I on %s', 'tg_' || v_name || '__audit_truncate', p_table);
    execute format('create trigger %I after insert or update or delete on %s for each row '
                   'execute function audit.tg__log_change(%s)', 'tg_' || v_name || '__audit', p_table, v_args);
    execute format('create trigger %I after truncate on %s for each statement '
                   'execute function audit.tg__log_change()', 'tg_' || v_name || '__audit_truncate', p_table);
    return format('auditing %s%s', p_table,
                  case when v_args = '' then '' else ' (redacted: ' || array_to_string(p_redact, ', ') || ')' end);
end
$$;
comment on function audit.enable_audit(regclass, text[]) is
    'Attaches the audit triggers tg_<table>__audit (rows) and tg_<table>__audit_truncate to p_table; '
    'columns in p_redact are logged as "<redacted>". Idempotent; needs ownership of p_table. Returns '
    'a one-line description. Do not use on bulk tables (one log row per changed row).';

create function audit.disable_audit(p_table regclass)
returns text
language plpgsql
volatile
set search_path = pg_catalog, audit
as $$
declare
    v_name text := (select c.relname from pg_catalog.pg_class c where c.oid = p_table);
begin
    execute format('drop trigger if exists %I on %s', 'tg_' || v_name || '__audit', p_table);
    execute format('drop trigger if exists %I on %s', 'tg_' || v_name || '__audit_truncate', p_table);
    return format('auditing of %s removed', p_table);
end
$$;
comment on function audit.disable_audit(regclass) is
    'Inverse of audit.enable_audit for reverts: drops the audit triggers of p_table (rows already '
    'logged stay). Returns a one-line description.';

revoke all on function audit.enable_audit(regclass, text[]) from public;
revoke all on function audit.disable_audit(regclass) from public;

commit;
