-- Verify lokdarpan:audit/grant_audit on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/audit/grant_audit.sql.

begin;

select 'audit.tg__log_privilege_change()'::regprocedure;

-- answers from the catalog or on constants
select 1 / count(*) from pg_catalog.pg_proc where oid = 'audit.tg__log_privilege_change()'::regprocedure;

rollback;
