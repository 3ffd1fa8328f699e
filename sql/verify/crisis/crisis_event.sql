-- Verify lokdarpan:crisis/crisis_event on pg

begin;

insert into crisis.crisis_event (crisis_type, severity, title, detected_at)
values ('flooding', 'critical', 'verify flood', now() - interval '1 hour');
select 1 / (crisis.set_crisis_scope(e.crisis_id, array['kapra', 'Uppal', 'KAPRA']) = 2)::int
  from crisis.crisis_event e where e.title = 'verify flood';
select 1 / count(*) from crisis.crisis_event e
 where e.title = 'verify flood' and e.severity_rank = 4 and e.is_open;
update crisis.crisis_event set status = 'false_alarm' where title = 'verify flood';
select 1 / (count(*) = 2 and bool_and(not cw.is_open))::int
  from crisis.crisis_event_ward cw join crisis.crisis_event e using (crisis_id) where e.title = 'verify flood';
do $$
begin
    update crisis.crisis_event set first_response_at = detected_at - interval '1 minute'
     where title = 'verify flood';
    raise exception 'a first response before detection was accepted';
exception when check_violation then
    null;
end
$$;

rollback;
