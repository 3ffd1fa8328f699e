-- Revert lokdarpan:ops/integrity_check from pg

begin;

drop function ops.validate_data_integrity();
drop table ops.integrity_check;

commit;
