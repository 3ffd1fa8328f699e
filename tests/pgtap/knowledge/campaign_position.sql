-- Behaviour of knowledge/campaign_position (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into knowledge.campaign_position (party, ward_name, topic, stance, statement)
values ('INC', 'Kapra', 'water_supply', 'support', 'verify statement');
select ok(count(*) > 0, 'knowledge/campaign_position: check 1') from knowledge.campaign_position where statement = 'verify statement';
select lives_ok($tap$
do $$
begin
    insert into knowledge.campaign_position (party, topic, stance, statement) values ('TRS', 'roads', 'support', 'x');
    raise exception 'a non-canonical party was accepted';
exception when foreign_key_violation then
    null;
end
$$;
$tap$, 'knowledge/campaign_position: check 2');

select * from finish();
rollback;
