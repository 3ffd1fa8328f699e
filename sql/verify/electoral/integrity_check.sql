-- Verify lokdarpan:electoral/integrity_check on pg

begin;

with e as (
    insert into electoral.election (election_type, election_year, election_round)
    values ('GHMC', 2099, 9) returning election_id
)
insert into electoral.result_ward_agg (election_id, ward_name, party, votes, vote_share, party_rank,
                                       valid_votes, total_polled, rejected_votes, electors, turnout_pct,
                                       polling_stations)
select e.election_id, 'Kapra', 'INC', 10, 50, 1, 20, 20, 0, 40, 50, 1 from e;
select 1 / count(*) from ops.validate_data_integrity()
 where check_name = 'electoral_vote_share_sum' and status = 'FAIL' and record_count = 1;
select 1 / count(*) from ops.validate_data_integrity()
 where check_name = 'electoral_stale_ward_aggregate' and status = 'PASS';

rollback;
