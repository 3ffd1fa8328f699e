-- Revert lokdarpan:audit/audit_log from pg
-- Partitions detached by retention stay (they hold audit rows); audit/schema's revert then stops
-- on them, which is the point.

begin;

drop function audit.disable_audit(regclass);
drop function audit.enable_audit(regclass, text[]);
drop function audit.tg__log_change();
delete from core.partition_policy where parent_schema = 'audit' and parent_table = 'audit_log';
drop table audit.audit_log;
drop function audit.tg_audit_log__append_only();

commit;
