-- Deploy lokdarpan:audit/grants to pg
-- requires: audit/roles
-- requires: audit/ward_access
-- requires: audit/audit_log
-- requires: audit/ward_rls
-- requires: ops/performance
-- requires: ops/index_advice
-- requires: ops/core_checks
-- requires: core/post
-- requires: core/alert
-- requires: core/app_user
-- requires: core/epaper
-- Least-privilege grants on what exists at this point of the plan, listed per module; modules
-- added later grant on their own objects in their own changes (see docs/security.md). Row-level
-- security decides which rows of ward tables a role sees; these grants decide which tables.
--
--   every role       USAGE on the module schemas and extensions; EXECUTE on functions is PUBLIC
--   readonly         SELECT on reference data (wards, vocabularies, authors) and on the ward
--                    tables through their parents (posts, alerts, e-papers) - never partitions,
--                    never core.app_user (password hashes), never the audit log
--   analyst          readonly + INSERT/UPDATE on alerts (row-level security checks the ward)
--   app              readonly + users (no DELETE: deactivate instead) and alerts; sees all wards
--   ingest           SELECT/INSERT/UPDATE on posts, fingerprints, authors, e-papers; the post id
--                    sequence
--   admin            SELECT on every table of core, ops and audit (partitions included, future
--                    ones through default privileges); manages users, alerts, ward assignments
--                    and performance thresholds; reads the audit log. Nobody gets UPDATE, DELETE
--                    or TRUNCATE on audit.audit_log.
--
-- Default privileges (for the role that deploys, which also owns partitions created later by
-- maintenance): SELECT on new tables of core, ops and audit for admin (so future partitions are
-- readable by admin, who sees every ward anyway - readonly and analyst never get partitions),
-- USAGE on new sequences of every module for app and ingest.
--
-- The application role's search_path is set for THIS database only (ALTER ROLE ... IN DATABASE),
-- so the seeds' unqualified calls (validate_data_integrity(), check_performance_thresholds(),
-- the analytics API) resolve, and the revert removes exactly this database's setting.

begin;

create function audit.default_search_path()
returns text
language sql
immutable
parallel safe
set search_path = pg_catalog
as $$
    select 'analytics, core, ops, electoral, pulse, knowledge, demography, crisis, ai, content, ingest, '
           'audit, extensions, public'
$$;
comment on function audit.default_search_path() is
    'search_path given to lokdarpan_app in this database (module schemas first, then extensions and '
    'public) so the seeds'' unqualified function names resolve; apply it to other login roles with '
    'ALTER ROLE ... IN DATABASE ... SET search_path.';

-- schemas
grant usage on schema core, ingest, analytics, electoral, pulse, knowledge, demography, crisis, ai,
                      content, ops, audit, extensions
   to lokdarpan_readonly, lokdarpan_app, lokdarpan_ingest;

-- core: reference data
grant select on core.ward, core.emotion, core.emotion_label, core.party, core.party_alias, core.author
   to lokdarpan_readonly, lokdarpan_app, lokdarpan_ingest;
-- core: ward data (row-level security by ward)
grant select on core.post, core.alert, core.epaper to lokdarpan_readonly, lokdarpan_app;
grant insert, update on core.alert to lokdarpan_analyst;
grant delete on core.alert to lokdarpan_app, lokdarpan_admin;
grant insert, update on core.alert to lokdarpan_app;
-- core: users
grant select, insert, update on core.app_user to lokdarpan_app, lokdarpan_admin;
-- core: ingestion
grant select, insert, update on core.post, core.post_fingerprint, core.author, core.epaper to lokdarpan_ingest;
grant usage on sequence core.post_post_id_seq to lokdarpan_ingest;
grant insert, update on core.author, core.epaper to lokdarpan_admin;
-- core, ops, audit: admin reads everything (partitions included)
grant select on all tables in schema core, ops, audit to lokdarpan_admin;

-- ops: health and advice
grant select on ops.integrity_check, ops.performance_threshold to lokdarpan_readonly, lokdarpan_app, lokdarpan_ingest;
grant update on ops.performance_threshold to lokdarpan_admin;

-- audit: assignments (row-level security: own rows), the catalogue of ward tables
grant select on audit.ward_assignment, audit.ward_rls_exemption, audit.ward_scoped_table
   to lokdarpan_readonly, lokdarpan_app;
grant insert, update, delete on audit.ward_assignment to lokdarpan_admin;

-- future objects
alter default privileges in schema core, ops, audit grant select on tables to lokdarpan_admin;
alter default privileges in schema core, ingest, analytics, electoral, pulse, knowledge, demography,
                                   crisis, ai, content, ops, audit
    grant usage on sequences to lokdarpan_app, lokdarpan_ingest;

-- the application's search_path, in this database only
do $$
begin
    execute format('alter role lokdarpan_app in database %I set search_path = %s',
                   pg_catalog.current_database(), audit.default_search_path());
end
$$;

commit;
