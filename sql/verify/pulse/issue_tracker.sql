-- Verify lokdarpan:pulse/issue_tracker on pg

begin;

insert into pulse.sentiment_snapshot (ward_name, window_start, window_end, post_count, dominant_emotion)
values ('Kapra', now() - interval '1 day', now(), 5, 'negative');
insert into pulse.issue_tracker (ward_name, issue_key, title, category, first_seen_at, last_seen_at)
values ('Kapra', 'water_supply', 'Irregular water supply', 'water_supply', now() - interval '2 days', now());
select 1 / count(*) from pulse.issue_tracker where ward_name = 'Kapra' and resolution_status = 'open';
do $$
begin
    update pulse.issue_tracker set resolution_status = 'resolved' where issue_key = 'water_supply';
    raise exception 'a resolved issue without resolved_at was accepted';
exception when check_violation then
    null;
end
$$;

rollback;
