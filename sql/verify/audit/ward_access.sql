-- Verify lokdarpan:audit/ward_access on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/audit/ward_access.sql.

begin;

select 1 / (count(*) = 4)::int from pg_catalog.pg_attribute
 where attrelid = 'audit.ward_assignment'::regclass and attnum > 0 and not attisdropped
   and attname in ('role_name', 'ward_name', 'assigned_at', 'assigned_by');
select 'audit.ix_ward_assignment__ward_name'::regclass;
select 1 / (count(*) = 3)::int from pg_catalog.pg_attribute
 where attrelid = 'audit.ward_rls_exemption'::regclass and attnum > 0 and not attisdropped
   and attname in ('table_schema', 'table_name', 'reason');
select 'audit.caller_role()'::regprocedure;
select 'audit.sees_all_wards()'::regprocedure;
select 'audit.visible_wards()'::regprocedure;
select 'audit.can_see_ward(text)'::regprocedure;
select 'audit.ward_predicate(name, bool)'::regprocedure;
select 'audit.enable_ward_rls(regclass, name, bool)'::regprocedure;
select 'audit.disable_ward_rls(regclass)'::regprocedure;
select 'audit.protect_ward_matview(regclass, name, name, bool)'::regprocedure;
select 'audit.unprotect_ward_matview(regclass)'::regprocedure;
select 'audit.ward_scoped_table'::regclass;
select 'audit.tg_ward_assignment__check_role()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'audit.ward_assignment'::regclass and tgname = 'tg_ward_assignment__check_role';
select 1 / count(*) from pg_catalog.pg_policy
 where polrelid = 'audit.ward_assignment'::regclass and polname = 'ward_assignment_visible';
select 'audit.assign_ward(text, text)'::regprocedure;
select 'audit.unassign_ward(text, text)'::regprocedure;

-- answers from the catalog or on constants
select 1 / (audit.caller_role() = session_user::text)::int;
select 1 / audit.sees_all_wards()::int;
select 1 / (audit.ward_predicate('city') like '%visible_wards%')::int;
select 1 / (count(*) = 0)::int from audit.ward_scoped_table where table_schema = 'core' and table_name = 'ward'
   and status <> 'exempt';

rollback;
