-- Verify lokdarpan:content/integrity on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/content/integrity.sql.

begin;

select 'content.check_import_runs()'::regprocedure;
select 'content.check_import_rejects()'::regprocedure;

rollback;
