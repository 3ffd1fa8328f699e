-- Behaviour of crisis/crisis_event (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(4);

insert into crisis.crisis_event (crisis_type, severity, title, detected_at)
values ('flooding', 'critical', 'verify flood', now() - interval '1 hour');
select ok(crisis.set_crisis_scope(e.crisis_id, array['kapra', 'Uppal', 'KAPRA']) = 2, 'crisis/crisis_event: check 1')
  from crisis.crisis_event e where e.title = 'verify flood';
select ok(count(*) > 0, 'crisis/crisis_event: check 2') from crisis.crisis_event e
 where e.title = 'verify flood' and e.severity_rank = 4 and e.is_open;
update crisis.crisis_event set status = 'false_alarm' where title = 'verify flood';
select ok(count(*) = 2 and bool_and(not cw.is_open), 'crisis/crisis_event: check 3')
  from crisis.crisis_event_ward cw join crisis.crisis_event e using (crisis_id) where e.title = 'verify flood';
select lives_ok($tap$
do $$
begin
    update crisis.crisis_event set first_response_at = detected_at - interval '1 minute'
     where title = 'verify flood';
    raise exception 'a first response before detection was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'crisis/crisis_event: check 4');

select * from finish();
rollback;
