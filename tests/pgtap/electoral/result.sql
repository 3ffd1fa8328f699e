-- Behaviour of electoral/result (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

with e as (
    insert into electoral.election (election_type, election_year, election_round)
    values ('GHMC', 2099, 9) returning election_id
), s as (
    insert into electoral.polling_station (form20_id, station_name, assembly_constituency, ward_name)
    values ('verify-ps-1', 'Verify School', 'Uppal', 'Kapra'),
           ('verify-ps-2', 'Verify Hall', 'Uppal', 'Kapra')
    returning polling_station_id, form20_id
), t as (
    insert into electoral.result_ps_total (election_id, polling_station_id, electors, total_polled, rejected_votes)
    select e.election_id, s.polling_station_id, 100, case s.form20_id when 'verify-ps-1' then 60 else 40 end, 0
      from e, s
    returning election_id, polling_station_id
)
insert into electoral.result_ps (election_id, polling_station_id, party, votes)
select t.election_id, t.polling_station_id, p.party, 20
  from t cross join (values ('BJP'), ('INC')) p (party);
select ok(electoral.aggregate_ward_results(e.election_id) = 2, 'electoral/result: check 1')
  from electoral.election e where e.election_year = 2099 and e.election_round = 9;
select lives_ok($tap$
select 1 / coalesce((sum(a.vote_share) = 100 and min(a.turnout_pct) = 50 and min(a.votes) = 40)::int, 0)
  from electoral.result_ward_agg a join electoral.election e using (election_id)
 where e.election_year = 2099 and e.election_round = 9 and a.ward_name = 'Kapra';
$tap$, 'electoral/result: check 2');

select * from finish();
rollback;
