-- Verify lokdarpan:crisis/ward_crisis_summary on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/crisis/ward_crisis_summary.sql.

begin;

select 'crisis.ward_crisis_summary'::regclass;
select 'crisis.get_open_crises(text)'::regprocedure;

rollback;
