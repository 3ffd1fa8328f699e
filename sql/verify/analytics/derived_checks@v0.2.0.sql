-- Verify lokdarpan:analytics/derived_checks on pg
-- Both checks run, and each reports the defect it is about (made here and rolled back).

begin;

select 1 / count(*) from ops.validate_data_integrity()
 where check_name in ('day_rollups_in_step', 'ward_author_in_step') and status in ('PASS', 'FAIL')
having count(*) = 2;
update analytics.ward_day set posts = posts + 1, unknown = unknown + 1 where day >= analytics.ist_day(now()) - 7;
insert into analytics.ward_day (ward_name, day, posts, positive, negative, neutral, mixed, unknown,
                                sentiment_sum, sentiment_n, author_ids)
select 'Kapra', analytics.ist_day(now()) + 1, 1, 0, 0, 0, 0, 1, 0, 0, '{}'
on conflict do nothing;
select 1 / count(*) from ops.validate_data_integrity()
 where check_name = 'day_rollups_in_step' and status = 'FAIL' and record_count >= 1;
insert into analytics.ward_author (ward_name, author_id, last_post_at) values ('Kapra', -1, now())
on conflict do nothing;
select 1 / count(*) from ops.validate_data_integrity()
 where check_name = 'ward_author_in_step' and status = 'FAIL' and record_count >= 1;

rollback;
