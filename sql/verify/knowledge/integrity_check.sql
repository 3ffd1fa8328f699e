-- Verify lokdarpan:knowledge/integrity_check on pg

begin;

select 1 / count(*) from ops.validate_data_integrity()
 where check_name = 'knowledge_discredited_citations' and status = 'PASS';

rollback;
