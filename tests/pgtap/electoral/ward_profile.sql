-- Behaviour of electoral/ward_profile (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(3);

insert into electoral.ward_demographics (ward_name, literacy_idx, internet_penetration_pct)
values ('Kapra', 81.5, 60);
insert into electoral.ward_features (ward_name, party_shares, volatility)
values ('Kapra', '{"GHMC-2020": {"BJP": 40}}', 12.5);
select lives_ok($tap$
do $$
begin
    insert into electoral.ward_demographics (ward_name, smartphone_penetration_pct) values ('Uppal', 101);
    raise exception 'a percentage above 100 was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'electoral/ward_profile: check 1');
with e as (
    insert into electoral.election (election_type, election_year, election_round)
    values ('GHMC', 2099, 9) returning election_id
)
insert into electoral.result_ward_agg (election_id, ward_name, party, votes, vote_share, party_rank,
                                       valid_votes, total_polled, rejected_votes, electors, turnout_pct,
                                       polling_stations)
select e.election_id, 'Kapra', 'INC', 10, 100, 1, 10, 10, 0, 20, 50, 1 from e;
select ok(electoral.refresh_ward_profile(e.election_id) = 1, 'electoral/ward_profile: check 2')
  from electoral.election e where e.election_year = 2099 and e.election_round = 9;
select ok(count(*) > 0, 'electoral/ward_profile: check 3') from electoral.ward_profile
 where ward_name = 'Kapra' and last_winner_party = 'INC' and last_winner_year = 2099 and turnout_pct = 50;

select * from finish();
rollback;
