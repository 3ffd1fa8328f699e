-- Deploy lokdarpan:audit/grant_audit to pg
-- requires: audit/audit_log
-- Who may see what is decided by grants as much as by ward assignments, so privilege changes
-- in this database (GRANT, REVOKE, ALTER DEFAULT PRIVILEGES) are recorded in audit.audit_log
-- too, one row per command with the statement text. An event trigger does it; creating one
-- needs a superuser, so on a deploy by a non-superuser the change records nothing and says so
-- in a NOTICE (grants on roles themselves - role membership - are cluster-wide and have no
-- event trigger in PostgreSQL; the server log is the place for those).

begin;

create function audit.tg__log_privilege_change()
returns event_trigger
language plpgsql
security definer
set search_path = pg_catalog, audit, pg_temp
as $$
declare
    v_cmd record;
begin
    for v_cmd in select * from pg_catalog.pg_event_trigger_ddl_commands() loop
        insert into audit.audit_log (table_schema, table_name, operation, new_row, acting_role, app_user,
                                     client_addr, application, transaction_id)
        values (coalesce(v_cmd.schema_name, ''), coalesce(v_cmd.object_identity, v_cmd.object_type, ''),
                v_cmd.command_tag,
                pg_catalog.jsonb_build_object('object_type', v_cmd.object_type,
                                              'object_identity', v_cmd.object_identity,
                                              'statement', pg_catalog.current_query()),
                audit.caller_role(),
                nullif(pg_catalog.current_setting('lokdarpan.app_user', true), ''),
                pg_catalog.inet_client_addr(),
                nullif(pg_catalog.current_setting('application_name', true), ''),
                pg_catalog.pg_current_xact_id()::text::bigint);
    end loop;
end
$$;
comment on function audit.tg__log_privilege_change() is
    'Event trigger function: one audit.audit_log row per GRANT, REVOKE or ALTER DEFAULT PRIVILEGES '
    'command (new_row: object_type, object_identity, statement). SECURITY DEFINER so any grantor '
    'can write the log.';

do $$
begin
    if (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = current_user) then
        create event trigger lokdarpan_audit_privileges on ddl_command_end
            when tag in ('GRANT', 'REVOKE', 'ALTER DEFAULT PRIVILEGES')
            execute function audit.tg__log_privilege_change();
        comment on event trigger lokdarpan_audit_privileges is
            'Records privilege changes in audit.audit_log (lokdarpan:audit/grant_audit).';
    else
        raise notice 'not a superuser: privilege changes will not be recorded in audit.audit_log';
    end if;
end
$$;

commit;
