-- Verify lokdarpan:crisis/integrity_check on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/crisis/integrity_check.sql.

begin;

select 'crisis.check_open_without_scope()'::regprocedure;
select 'crisis.check_scope_open_flag()'::regprocedure;

rollback;
