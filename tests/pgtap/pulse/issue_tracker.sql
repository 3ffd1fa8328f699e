-- Behaviour of pulse/issue_tracker (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into pulse.sentiment_snapshot (ward_name, window_start, window_end, post_count, dominant_emotion)
values ('Kapra', now() - interval '1 day', now(), 5, 'negative');
insert into pulse.issue_tracker (ward_name, issue_key, title, category, first_seen_at, last_seen_at)
values ('Kapra', 'water_supply', 'Irregular water supply', 'water_supply', now() - interval '2 days', now());
select ok(count(*) > 0, 'pulse/issue_tracker: check 1') from pulse.issue_tracker where ward_name = 'Kapra' and resolution_status = 'open';
select lives_ok($tap$
do $$
begin
    update pulse.issue_tracker set resolution_status = 'resolved' where issue_key = 'water_supply';
    raise exception 'a resolved issue without resolved_at was accepted';
exception when check_violation then
    null;
end
$$;
$tap$, 'pulse/issue_tracker: check 2');

select * from finish();
rollback;
