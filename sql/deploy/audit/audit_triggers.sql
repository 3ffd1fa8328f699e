-- Deploy lokdarpan:audit/audit_triggers to pg
-- requires: audit/audit_log
-- requires: audit/ward_access
-- requires: core/app_user
-- requires: core/alert
-- The sensitive tables of core and audit get the audit trigger: application users (password
-- hashes are logged as "<redacted>"), alerts, and the ward assignments that decide who sees
-- what. Posts are deliberately not audited row by row (bulk ingestion; batches are recorded
-- by the ingest module).

begin;

select audit.enable_audit('core.app_user'::regclass, array['password_hash']);
select audit.enable_audit('core.alert'::regclass);
select audit.enable_audit('audit.ward_assignment'::regclass);

commit;
