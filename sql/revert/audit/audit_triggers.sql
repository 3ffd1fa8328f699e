-- Revert lokdarpan:audit/audit_triggers from pg
-- Rows already written to audit.audit_log stay.

begin;

select audit.disable_audit('audit.ward_assignment'::regclass);
select audit.disable_audit('core.alert'::regclass);
select audit.disable_audit('core.app_user'::regclass);

commit;
