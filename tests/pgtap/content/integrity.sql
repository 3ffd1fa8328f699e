-- Behaviour of content/integrity (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

select ok(count(*) = 2, 'content/integrity: check 1') from ops.validate_data_integrity() v
 where v.check_name in ('content_import_runs', 'content_import_rejects') and v.status = 'PASS';
insert into content.import_run (source_path, source_sha256) values ('/verify.db', repeat('ab', 32));
select ok(count(*) > 0, 'content/integrity: check 2') from ops.validate_data_integrity() v
 where v.check_name = 'content_import_runs' and v.status = 'WARN' and v.record_count = 1;

select * from finish();
rollback;
