-- Behaviour of audit/ward_access (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(6);

select ok(audit.caller_role() = session_user::text, 'audit/ward_access: check 1');
select lives_ok($tap$
select 1 / audit.sees_all_wards()::int;
$tap$, 'audit/ward_access: check 2');
  -- the deploying role sees every ward
select ok(audit.ward_predicate('city') like '%visible_wards%', 'audit/ward_access: check 3');
select ok(count(*) > 0, 'audit/ward_access: check 4') from audit.ward_rls_exemption where table_schema = 'core' and table_name = 'ward';
select lives_ok($tap$
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
$tap$, 'audit/ward_access: check 5');
select ok(count(*) = 0, 'audit/ward_access: check 6') from audit.ward_scoped_table where table_schema = 'core' and table_name = 'ward'
   and status <> 'exempt';

select * from finish();
rollback;
