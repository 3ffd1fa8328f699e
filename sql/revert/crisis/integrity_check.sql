-- Revert lokdarpan:crisis/integrity_check from pg

begin;

delete from ops.integrity_check where check_name in ('crisis_open_without_scope', 'crisis_scope_open_flag');
drop function crisis.check_scope_open_flag();
drop function crisis.check_open_without_scope();

commit;
