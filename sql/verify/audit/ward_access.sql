-- Verify lokdarpan:audit/ward_access on pg

begin;

select 1 / (audit.caller_role() = session_user::text)::int;
select 1 / audit.sees_all_wards()::int;  -- the deploying role sees every ward
select 1 / (audit.ward_predicate('city') like '%visible_wards%')::int;
select 1 / count(*) from audit.ward_rls_exemption where table_schema = 'core' and table_name = 'ward';
do $$
begin
    create role lokdarpan_verify_ward_access nologin;
    grant usage on schema audit to lokdarpan_verify_ward_access;
    perform audit.assign_ward('lokdarpan_verify_ward_access', ' jubilee   HILLS ');
    set local role lokdarpan_verify_ward_access;
    if audit.visible_wards() <> array['Jubilee Hills'] or audit.sees_all_wards()
       or not audit.can_see_ward('Jubilee Hills') or audit.can_see_ward('Kapra') then
        raise exception 'ward assignment is not seen by its role';
    end if;
    reset role;
    begin
        perform audit.assign_ward('lokdarpan_no_such_role_x', 'Kapra');
        raise exception 'an assignment to a missing role was accepted';
    exception when undefined_object then
        null;
    end;
    -- the role and the assignment go with the rolled-back transaction
end
$$;
select 1 / (count(*) = 0)::int from audit.ward_scoped_table where table_schema = 'core' and table_name = 'ward'
   and status <> 'exempt';

rollback;
