-- Verify lokdarpan:electoral/result on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/electoral/result.sql.

begin;

select 1 / (count(*) = 6)::int from pg_catalog.pg_attribute
 where attrelid = 'electoral.result_ps_total'::regclass and attnum > 0 and not attisdropped
   and attname in ('election_id', 'polling_station_id', 'electors', 'total_polled', 'rejected_votes', 'created_at');
select 'electoral.ix_result_ps_total__polling_station_id'::regclass;
select 1 / (count(*) = 6)::int from pg_catalog.pg_attribute
 where attrelid = 'electoral.result_ps'::regclass and attnum > 0 and not attisdropped
   and attname in ('election_id', 'polling_station_id', 'party', 'candidate_name', 'votes', 'created_at');
select 'electoral.ix_result_ps__party'::regclass;
select 'electoral.tg_result_ps__check_valid_votes()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'electoral.result_ps'::regclass and tgname = 'tg_result_ps__check_valid_votes';
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'electoral.result_ps_total'::regclass and tgname = 'tg_result_ps_total__check_valid_votes';
select 1 / (count(*) = 13)::int from pg_catalog.pg_attribute
 where attrelid = 'electoral.result_ward_agg'::regclass and attnum > 0 and not attisdropped
   and attname in ('election_id', 'ward_name', 'party', 'votes', 'vote_share', 'party_rank', 'valid_votes', 'total_polled', 'rejected_votes', 'electors', 'turnout_pct', 'polling_stations', 'computed_at');
select 'electoral.ix_result_ward_agg__ward_name__election_id'::regclass;
select 'electoral.ix_result_ward_agg__party'::regclass;
select 'electoral.aggregate_ward_results(int8)'::regprocedure;

rollback;
