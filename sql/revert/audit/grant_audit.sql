-- Revert lokdarpan:audit/grant_audit from pg
-- Rows already recorded stay in audit.audit_log.

begin;

drop event trigger if exists lokdarpan_audit_privileges;
drop function audit.tg__log_privilege_change();

commit;
