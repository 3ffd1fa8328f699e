-- Verify lokdarpan:analytics/integrity_check on pg
-- Shape only: the four check functions exist with the result shape validate_data_integrity()
-- expects (running them reads 7 days of data: tests/pgtap/analytics/integrity_check.sql does).

begin;

select 1 / (count(*) = 4)::int from pg_catalog.pg_proc
 where oid in ('analytics.check_rollups()'::regprocedure, 'analytics.check_day_rollups()'::regprocedure,
               'analytics.check_ward_author()'::regprocedure, 'analytics.check_ward_author_day()'::regprocedure)
   and pg_get_function_result(oid) = 'TABLE(status text, record_count bigint, issue_description text)';

rollback;
