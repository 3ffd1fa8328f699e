-- Behaviour of electoral/integrity_check (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

with e as (
    insert into electoral.election (election_type, election_year, election_round)
    values ('GHMC', 2099, 9) returning election_id
)
insert into electoral.result_ward_agg (election_id, ward_name, party, votes, vote_share, party_rank,
                                       valid_votes, total_polled, rejected_votes, electors, turnout_pct,
                                       polling_stations)
select e.election_id, 'Kapra', 'INC', 10, 50, 1, 20, 20, 0, 40, 50, 1 from e;
select ok(count(*) > 0, 'electoral/integrity_check: check 1') from ops.validate_data_integrity()
 where check_name = 'electoral_vote_share_sum' and status = 'FAIL' and record_count = 1;
select ok(count(*) > 0, 'electoral/integrity_check: check 2') from ops.validate_data_integrity()
 where check_name = 'electoral_stale_ward_aggregate' and status = 'PASS';

select * from finish();
rollback;
