-- Behaviour of audit/grant_audit (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- A GRANT is recorded (where the event trigger could be created, i.e. deployed by a superuser).

begin;
select plan(2);

select ok(count(*) > 0, 'audit/grant_audit: check 1') from pg_catalog.pg_proc where oid = 'audit.tg__log_privilege_change()'::regprocedure;
select lives_ok($tap$
do $$
begin
    if (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = current_user) then
        grant select on core.ward to lokdarpan_readonly;
        if not exists (select 1 from audit.audit_log a
                        where a.operation = 'GRANT' and a.transaction_id = pg_catalog.pg_current_xact_id()::text::bigint
                          and a.new_row ->> 'statement' like '%grant select on core.ward to lokdarpan_readonly%') then
            raise exception 'a GRANT was not recorded in audit.audit_log';
        end if;
    end if;
end
$$;
$tap$, 'audit/grant_audit: check 2');

select * from finish();
rollback;
