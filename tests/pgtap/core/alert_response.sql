-- Behaviour of core/alert_response (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(3);

insert into core.alert (ward_name, description, priority_score, status, acknowledged_at)
values ('Kapra', 'verify response', 90, 'acknowledged', now());
select ok(count(*) > 0, 'core/alert_response: check 1') from core.alert
 where ward_name = 'Kapra' and status = 'acknowledged' and priority_score = 90;
select ok(count(*) > 0, 'core/alert_response: check 2') from pg_indexes
 where schemaname = 'core' and indexname = 'ix_alert__ward_name__status__priority_score';
select lives_ok($tap$
do $$
begin
    insert into core.alert (ward_name, description, status) values ('Kapra', 'verify', 'resolved');
    raise exception 'a resolved alert without resolved_at was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'core/alert_response: check 3');

select * from finish();
rollback;
