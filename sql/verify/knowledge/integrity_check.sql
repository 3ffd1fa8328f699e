-- Verify lokdarpan:knowledge/integrity_check on pg
-- Shape only: the check function with the result validate_data_integrity() expects (running
-- every check reads data: tests/pgtap/knowledge/integrity_check.sql does).

begin;

select 1 / (pg_get_function_result('knowledge.check_discredited_citations()'::regprocedure)
            = 'TABLE(status text, record_count bigint, issue_description text)')::int;

rollback;
