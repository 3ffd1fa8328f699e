-- Verify lokdarpan:ops/core_checks on pg
-- Every check runs; planting an orphan and a post without a fingerprint makes two of them fail.

begin;

select 1 / (count(*) = 7)::int from ops.validate_data_integrity()
 where check_name in ('post_orphans', 'post_fingerprints', 'duplicate_epapers', 'default_partitions',
                      'future_partitions', 'vocabularies', 'ward_rls')
   and status in ('PASS', 'WARN', 'FAIL') and issue_description not like 'check could not run%';
alter table core.post disable trigger tg_post__check_references_insert;
insert into core.post (created_at, city, author_id, text, fingerprint)
values (now(), 'Kapra', -1, 'verify orphan', core.post_fingerprint('Kapra', null, now(), 'verify orphan'));
select 1 / (count(*) = 2)::int from ops.validate_data_integrity()
 where check_name in ('post_orphans', 'post_fingerprints') and status = 'FAIL' and record_count >= 1;
select 1 / (count(*) = 1)::int from ops.check_future_partitions(now() + interval '10 years') where status = 'FAIL';

rollback;
