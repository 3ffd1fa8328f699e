-- Revert lokdarpan:electoral/integrity_check from pg

begin;

delete from ops.integrity_check
 where check_name in ('electoral_vote_share_sum', 'electoral_stale_ward_aggregate');
drop function electoral.check_stale_ward_aggregate();
drop function electoral.check_vote_share_sum();

commit;
