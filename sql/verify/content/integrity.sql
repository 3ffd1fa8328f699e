-- Verify lokdarpan:content/integrity on pg

begin;

select 1 / (count(*) = 2)::int from ops.validate_data_integrity() v
 where v.check_name in ('content_import_runs', 'content_import_rejects') and v.status = 'PASS';
insert into content.import_run (source_path, source_sha256) values ('/verify.db', repeat('ab', 32));
select 1 / count(*) from ops.validate_data_integrity() v
 where v.check_name = 'content_import_runs' and v.status = 'WARN' and v.record_count = 1;

rollback;
