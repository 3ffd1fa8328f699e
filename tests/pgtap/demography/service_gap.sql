-- Behaviour of demography/service_gap (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into demography.service_gap_analysis (ward_name, service, demand_score, supply_score)
values ('Kapra', 'water_supply', 80, 35);
select ok(count(*) > 0, 'demography/service_gap: check 1') from demography.service_gap_analysis where ward_name = 'Kapra' and gap_score = 45;
insert into demography.demographic_insight (ward_name, insight_type, insight_text, confidence, expires_at)
values ('Kapra', 'service_gap', 'verify insight', 0.7, now() + interval '30 days');
select lives_ok($tap$
do $$
begin
    update demography.demographic_insight set review_status = 'approved' where insight_text = 'verify insight';
    raise exception 'an approval without reviewer was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'demography/service_gap: check 2');

select * from finish();
rollback;
