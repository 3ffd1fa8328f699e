-- Behaviour of audit/audit_log (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(5);

select ok(count(*) >= 7, 'audit/audit_log: check 1') from core.partitions_of('audit.audit_log'::regclass) where not is_default;
select ok(count(*) = 0, 'audit/audit_log: check 2') from core.partitions_of('audit.audit_log'::regclass) where is_default;
create table audit.verify_audited (verify_id integer primary key, secret text);
select audit.enable_audit('audit.verify_audited', '{secret}');
set local lokdarpan.app_user = 'verify-user';
insert into audit.verify_audited values (1, 'hunter2');
update audit.verify_audited set verify_id = 2;
select ok(count(*) = 2, 'audit/audit_log: check 3') from audit.audit_log
 where table_name = 'verify_audited' and app_user = 'verify-user'
   and coalesce(new_row ->> 'secret', '') = '<redacted>' and transaction_id = pg_current_xact_id()::text::bigint;
select lives_ok($tap$
do $$
begin
    update audit.audit_log set app_user = 'x' where table_name = 'verify_audited';
    raise exception 'audit_log accepted an UPDATE';
exception when insufficient_privilege then
    null;
end
$$;
$tap$, 'audit/audit_log: check 4');
select lives_ok($tap$
do $$
begin
    delete from audit.audit_log where table_name = 'verify_audited';
    raise exception 'audit_log accepted a DELETE';
exception when insufficient_privilege then
    null;
end
$$;
$tap$, 'audit/audit_log: check 5');

select * from finish();
rollback;
