-- Revert lokdarpan:audit/ward_access from pg

begin;

drop function audit.unassign_ward(text, text);
drop function audit.assign_ward(text, text);
drop policy ward_assignment_visible on audit.ward_assignment;
drop trigger tg_ward_assignment__check_role on audit.ward_assignment;
drop function audit.tg_ward_assignment__check_role();
drop view audit.ward_scoped_table;
drop function audit.unprotect_ward_matview(regclass);
drop function audit.protect_ward_matview(regclass, name, name, boolean);
drop function audit.disable_ward_rls(regclass);
drop function audit.enable_ward_rls(regclass, name, boolean);
drop function audit.ward_predicate(name, boolean);
drop function audit.can_see_ward(text);
drop table audit.ward_assignment;
drop function audit.visible_wards();
drop function audit.sees_all_wards();
drop function audit.caller_role();
drop table audit.ward_rls_exemption;

commit;
