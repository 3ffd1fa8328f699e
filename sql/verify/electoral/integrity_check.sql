-- Verify lokdarpan:electoral/integrity_check on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/electoral/integrity_check.sql.

begin;

select 'electoral.check_vote_share_sum()'::regprocedure;
select 'electoral.check_stale_ward_aggregate()'::regprocedure;

rollback;
