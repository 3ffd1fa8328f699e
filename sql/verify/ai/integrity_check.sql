-- Verify lokdarpan:ai/integrity_check on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ai/integrity_check.sql.

begin;

select 'ai.check_budget_overspend()'::regprocedure;

rollback;
