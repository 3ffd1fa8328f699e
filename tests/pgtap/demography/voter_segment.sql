-- Behaviour of demography/voter_segment (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into demography.voter_segment (ward_name, segment_code, engagement_level, size_estimate)
values ('Kapra', 'verify_water_first', 'high', 1200);
insert into demography.voter_segment_concern (segment_id, concern, concern_rank)
select s.segment_id, 'water_supply', 1 from demography.voter_segment s where s.segment_code = 'verify_water_first';
insert into demography.engagement_pattern (ward_name, channel, engagement_rate, sample_size, observed_from, observed_to)
values ('Kapra', 'whatsapp', 12.5, 400, now() - interval '7 days', now());
select ok(count(*) > 0, 'demography/voter_segment: check 1') from demography.voter_segment s join demography.voter_segment_concern c using (segment_id)
 where s.segment_code = 'verify_water_first';
select lives_ok($tap$
do $$
begin
    insert into demography.voter_segment (ward_name, segment_code, engagement_level, size_estimate)
    values ('Kapra', 'one_person', 'high', 1);
    raise exception 'a segment of one person was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'demography/voter_segment: check 2');

select * from finish();
rollback;
