-- Revert lokdarpan:ops/core_checks from pg

begin;

delete from ops.integrity_check
 where check_name in ('post_orphans', 'post_fingerprints', 'duplicate_epapers', 'default_partitions',
                      'future_partitions', 'vocabularies', 'ward_rls');
drop function ops.check_ward_rls();
drop function ops.check_vocabularies();
drop function ops.check_future_partitions(timestamptz);
drop function ops.check_default_partitions();
drop function ops.check_duplicate_epapers();
drop function ops.check_post_fingerprints();
drop function ops.check_post_orphans();

commit;
