-- Verify lokdarpan:ops/core_checks on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ops/core_checks.sql.

begin;

select 'ops.check_post_orphans()'::regprocedure;
select 'ops.check_post_fingerprints()'::regprocedure;
select 'ops.check_duplicate_epapers()'::regprocedure;
select 'ops.check_default_partitions()'::regprocedure;
select 'ops.check_future_partitions(timestamptz)'::regprocedure;
select 'ops.check_vocabularies()'::regprocedure;
select 'ops.check_ward_rls()'::regprocedure;
-- the reworked check_post_orphans (one joined scan; the @v1.0.0 definition has no join on core.ward)
select 1 / (position('left join core.ward w' in p.prosrc) > 0)::int
  from pg_catalog.pg_proc p
 where p.oid = 'ops.check_post_orphans()'::regprocedure;

rollback;
