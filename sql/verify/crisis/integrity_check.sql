-- Verify lokdarpan:crisis/integrity_check on pg

begin;

insert into crisis.crisis_event (crisis_type, severity, title) values ('flooding', 'low', 'verify no scope');
select 1 / count(*) from ops.validate_data_integrity()
 where check_name = 'crisis_open_without_scope' and status = 'WARN' and record_count = 1;
select 1 / count(*) from ops.validate_data_integrity()
 where check_name = 'crisis_scope_open_flag' and status = 'PASS';

rollback;
