-- Verify lokdarpan:ops/integrity_check on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ops/integrity_check.sql.

begin;

select 1 / (count(*) = 3)::int from pg_catalog.pg_attribute
 where attrelid = 'ops.integrity_check'::regclass and attnum > 0 and not attisdropped
   and attname in ('check_name', 'check_function', 'description');
select 'ops.validate_data_integrity()'::regprocedure;

rollback;
