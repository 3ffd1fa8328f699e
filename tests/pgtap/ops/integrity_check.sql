-- Behaviour of ops/integrity_check (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(1);

create function ops.verify_check_fail() returns table (status text, record_count bigint, issue_description text)
    language sql stable set search_path = pg_catalog as $$ select 'FAIL'::text, 3::bigint, 'x'::text $$;
insert into ops.integrity_check values ('verify_fail', 'ops.verify_check_fail', 'verify');
select ok(count(*) > 0, 'ops/integrity_check: check 1') from ops.validate_data_integrity()
 where check_name = 'verify_fail' and status = 'FAIL' and record_count = 3;

select * from finish();
rollback;
