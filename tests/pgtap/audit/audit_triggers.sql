-- Behaviour of audit/audit_triggers (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(3);

insert into core.app_user (username, email, password_hash)
values ('verify_audit', 'verify@example.invalid', 'verify-hash-0123456789abcdef');
insert into core.alert (ward_name, description) values ('Kapra', 'verify audit');
select ok(count(*) > 0, 'audit/audit_triggers: check 1') from audit.audit_log
 where table_schema = 'core' and table_name = 'app_user' and operation = 'INSERT'
   and new_row ->> 'username' = 'verify_audit' and new_row ->> 'password_hash' = '<redacted>';
select ok(count(*) > 0, 'audit/audit_triggers: check 2') from audit.audit_log
 where table_schema = 'core' and table_name = 'alert' and new_row ->> 'description' = 'verify audit';
select ok(count(*) > 0, 'audit/audit_triggers: check 3') from pg_catalog.pg_trigger t
 where t.tgrelid = 'audit.ward_assignment'::regclass and t.tgname = 'tg_ward_assignment__audit';

select * from finish();
rollback;
