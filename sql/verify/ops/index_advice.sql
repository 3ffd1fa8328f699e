-- Verify lokdarpan:ops/index_advice on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/ops/index_advice.sql.

begin;

select 'ops.product_schema'::regclass;
select 'ops.unused_index'::regclass;
select 'ops.duplicate_index'::regclass;
select 'ops.fk_without_index'::regclass;
select 'ops.invalid_index'::regclass;
select 'ops.partition_missing_index'::regclass;

rollback;
