-- Behaviour of knowledge/fact_check (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into knowledge.fact_check_result (claim_text, ward_name, verdict, confidence)
values ('verify claim', 'Kapra', 'mostly_false', 0.8);
select ok(count(*) > 0, 'knowledge/fact_check: check 1') from knowledge.fact_check_result where claim_text = 'verify claim';
select lives_ok($tap$
do $$
begin
    insert into knowledge.fact_check_result (claim_text, verdict, confidence) values ('x', 'pants_on_fire', 0.5);
    raise exception 'an unknown verdict was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'knowledge/fact_check: check 2');

select * from finish();
rollback;
