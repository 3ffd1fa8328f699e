-- Deploy lokdarpan:audit/roles to pg
-- requires: audit/schema
-- The group roles every grant and row-level security policy of the product names. Roles are
-- cluster-wide while this package is deployed per database, so several databases on one server
-- may share them. The rule: a role is created only when it is missing, and then marked with a
-- comment ('managed by lokdarpan:audit/roles'); the revert drops a marked role only when no
-- other database still uses it (owns, is granted anything, holds per-database settings) and no
-- role outside the package is a member of it. Otherwise the role is kept and a notice says why.
--
--   lokdarpan_readonly  reads reference data and, through row-level security, its wards' data
--   lokdarpan_analyst   readonly + writes alerts for its wards; member of readonly
--   lokdarpan_admin     every ward, manages ward assignments, reads the audit log; member of analyst
--   lokdarpan_app       the application: every ward, users and alerts (DBA adds LOGIN + password)
--   lokdarpan_ingest    bulk ingestion: writes posts, authors, e-papers; every ward
-- All are NOLOGIN group roles: login roles are granted one of them.
--
-- Each role also gets a per-database setting lokdarpan.package = 'on' in this database: it
-- records that this database uses the role (the revert of another database sees it and keeps
-- the role), and the verify checks it, so it fails after a revert even when the role itself is
-- kept for another database.

begin;

do $$
declare
    v_role   text;
    v_marker constant text := 'managed by lokdarpan:audit/roles';
begin
    foreach v_role in array array['lokdarpan_readonly', 'lokdarpan_analyst', 'lokdarpan_admin',
                                  'lokdarpan_app', 'lokdarpan_ingest'] loop
        if not exists (select 1 from pg_catalog.pg_roles r where r.rolname = v_role) then
            begin
                execute format('create role %I nologin', v_role);
                execute format('comment on role %I is %L', v_role, v_marker);
            exception when duplicate_object then
                -- created at the same moment by a deploy into another database: keep theirs
                null;
            end;
        end if;
    end loop;
    foreach v_role in array array['lokdarpan_readonly', 'lokdarpan_analyst', 'lokdarpan_admin',
                                  'lokdarpan_app', 'lokdarpan_ingest'] loop
        execute format('alter role %I in database %I set lokdarpan.package = %L',
                       v_role, pg_catalog.current_database(), 'on');
    end loop;
    -- memberships (idempotent: only added when missing)
    if not pg_catalog.pg_has_role('lokdarpan_analyst', 'lokdarpan_readonly', 'member') then
        grant lokdarpan_readonly to lokdarpan_analyst;
    end if;
    if not pg_catalog.pg_has_role('lokdarpan_admin', 'lokdarpan_analyst', 'member') then
        grant lokdarpan_analyst to lokdarpan_admin;
    end if;
end
$$;

commit;
