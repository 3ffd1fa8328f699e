-- Revert lokdarpan:knowledge/fact_check from pg

begin;

drop table knowledge.fact_check_result;

commit;
