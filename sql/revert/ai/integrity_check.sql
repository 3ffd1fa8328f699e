-- Revert lokdarpan:ai/integrity_check from pg

begin;

delete from ops.integrity_check where check_name = 'budget_overspend';
drop function ai.check_budget_overspend();

commit;
