-- Revert lokdarpan:electoral/result from pg

begin;

drop function electoral.aggregate_ward_results(bigint);
drop table electoral.result_ward_agg;
drop table electoral.result_ps;
drop table electoral.result_ps_total;
drop function electoral.tg_result_ps__check_valid_votes();

commit;
