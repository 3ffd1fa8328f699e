-- Verify lokdarpan:audit/audit_log on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/audit/audit_log.sql.

begin;

select 'audit.audit_log_audit_id_seq'::regclass;
select 1 / (count(*) = 13)::int from pg_catalog.pg_attribute
 where attrelid = 'audit.audit_log'::regclass and attnum > 0 and not attisdropped
   and attname in ('audit_id', 'logged_at', 'table_schema', 'table_name', 'operation', 'old_row', 'new_row', 'acting_role', 'session_role', 'app_user', 'client_addr', 'application', 'transaction_id');
select 'audit.ix_audit_log__table_schema__table_name__logged_at'::regclass;
select 'audit.ix_audit_log__app_user__logged_at'::regclass;
select 'audit.tg_audit_log__append_only()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'audit.audit_log'::regclass and tgname = 'tg_audit_log__append_only';
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'audit.audit_log'::regclass and tgname = 'tg_audit_log__no_truncate';
select 'audit.tg__log_change()'::regprocedure;
select 'audit.enable_audit(regclass, text[])'::regprocedure;
select 'audit.disable_audit(regclass)'::regprocedure;

-- answers from the catalog or on constants
select 1 / (count(*) >= 7)::int from core.partitions_of('audit.audit_log'::regclass) where not is_default;
select 1 / (count(*) = 0)::int from core.partitions_of('audit.audit_log'::regclass) where is_default;

rollback;
