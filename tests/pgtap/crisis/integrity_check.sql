-- Behaviour of crisis/integrity_check (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into crisis.crisis_event (crisis_type, severity, title) values ('flooding', 'low', 'verify no scope');
select ok(count(*) > 0, 'crisis/integrity_check: check 1') from ops.validate_data_integrity()
 where check_name = 'crisis_open_without_scope' and status = 'WARN' and record_count = 1;
select ok(count(*) > 0, 'crisis/integrity_check: check 2') from ops.validate_data_integrity()
 where check_name = 'crisis_scope_open_flag' and status = 'PASS';

select * from finish();
rollback;
