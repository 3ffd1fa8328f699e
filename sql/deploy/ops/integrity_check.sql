-- Deploy lokdarpan:ops/integrity_check to pg
-- requires: ops/schema
-- The shared mechanism behind validate_data_integrity(): each module registers its own check
-- functions here (in its own change), so the ops module never needs to know every table.

begin;

create table ops.integrity_check (
    check_name      text constraint pk_integrity_check primary key,
    check_function  text not null,
    description     text not null,
    constraint ck_integrity_check__name check (check_name ~ '^[a-z][a-z0-9_]*$'),
    constraint ck_integrity_check__function check (check_function ~ '^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$')
);
comment on table ops.integrity_check is
    'Registered integrity checks. check_function names a function schema.name() returning '
    'table (status text, record_count bigint, issue_description text); status is PASS, WARN or FAIL.';

create function ops.validate_data_integrity()
returns table (check_name text, status text, record_count bigint, issue_description text)
language plpgsql
stable
set search_path = pg_catalog, ops
as $$
declare
    v_check ops.integrity_check;
begin
    for v_check in select * from ops.integrity_check c order by c.check_name loop
        begin
            return query execute format(
                'select %L::text, r.status::text, r.record_count::bigint, r.issue_description::text from %s() r',
                v_check.check_name, v_check.check_function);
        exception when others then
            return query select v_check.check_name, 'FAIL'::text, null::bigint,
                                'check could not run: ' || sqlerrm;
        end;
    end loop;
end
$$;
comment on function ops.validate_data_integrity() is
    'Runs every registered integrity check (ops.integrity_check) and returns one row per check: '
    'check_name, status (PASS/WARN/FAIL), record_count (offending rows), issue_description. '
    'A check that cannot run reports FAIL with the error. Cost: the sum of the checks.';

commit;
