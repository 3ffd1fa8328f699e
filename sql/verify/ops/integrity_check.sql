-- Verify lokdarpan:ops/integrity_check on pg

begin;

create function ops.verify_check_fail() returns table (status text, record_count bigint, issue_description text)
    language sql stable set search_path = pg_catalog as $$ select 'FAIL'::text, 3::bigint, 'x'::text $$;
insert into ops.integrity_check values ('verify_fail', 'ops.verify_check_fail', 'verify');
select 1 / count(*) from ops.validate_data_integrity()
 where check_name = 'verify_fail' and status = 'FAIL' and record_count = 3;

rollback;
