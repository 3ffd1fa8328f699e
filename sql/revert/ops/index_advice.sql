-- Revert lokdarpan:ops/index_advice from pg

begin;

drop view ops.partition_missing_index;
drop view ops.invalid_index;
drop view ops.fk_without_index;
drop view ops.duplicate_index;
drop view ops.unused_index;
drop view ops.product_schema;

commit;
