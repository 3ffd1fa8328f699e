-- Behaviour of crisis/response (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into crisis.crisis_event (crisis_type, severity, title, status, detected_at, first_response_at)
values ('flooding', 'high', 'verify response', 'responding', timestamptz '2020-01-01 10:00+00',
        timestamptz '2020-01-01 10:12:30+00');
insert into crisis.response_workflow (crisis_id, workflow_name, steps, current_step, status, started_at)
select e.crisis_id, 'verify', '[{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}]', 1, 'active', now()
  from crisis.crisis_event e where e.title = 'verify response';
select ok(count(*) > 0, 'crisis/response: check 1') from crisis.compute_performance_metrics(
           (select e.crisis_id from crisis.crisis_event e where e.title = 'verify response'), 15) m
 where m.detection_to_response_minutes = 12.5 and m.met_response_target and m.workflows = 1
   and m.workflow_completion_pct = 25 and m.detection_to_resolution_minutes is null;
select lives_ok($tap$
do $$
begin
    insert into crisis.real_time_notification (recipient_user_id, channel, crisis_id)
    select 1, 'pigeon', e.crisis_id from crisis.crisis_event e where e.title = 'verify response';
    raise exception 'an unknown channel was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'crisis/response: check 2');

select * from finish();
rollback;
