-- Behaviour of analytics/integrity_check (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Both checks are registered and each reports the defect it is about (made here and rolled
-- back), called directly (validate_data_integrity() would run every module's checks three
-- times); the drift functions read no author-id arrays (the row below is built without naming
-- any column that only some versions of ward_day have).

begin;
select plan(4);

select ok(count(*) = 2, 'analytics/integrity_check: check 1') from ops.integrity_check
 where check_name in ('day_rollups_in_step', 'ward_author_in_step');
update analytics.ward_day set posts = posts + 1, unknown = unknown + 1 where day >= analytics.ist_day(now()) - 7;
insert into analytics.ward_day
select * from jsonb_populate_record(null::analytics.ward_day,
                                    jsonb_build_object('ward_name', 'Kapra', 'day', analytics.ist_day(now()) + 1,
                                                       'posts', 1, 'positive', 0, 'negative', 0, 'neutral', 0,
                                                       'mixed', 0, 'unknown', 1, 'sentiment_sum', 0,
                                                       'sentiment_n', 0, 'author_ids', '{}'))
on conflict do nothing;
select ok(count(*) > 0, 'analytics/integrity_check: check 2') from analytics.check_day_rollups() where status = 'FAIL' and record_count >= 1;
insert into analytics.ward_author (ward_name, author_id, last_post_at) values ('Kapra', -1, now())
on conflict do nothing;
select ok(count(*) > 0, 'analytics/integrity_check: check 3') from analytics.check_ward_author() where status = 'FAIL' and record_count >= 1;
select ok(count(*) = 0, 'analytics/integrity_check: check 4') from pg_proc
 where oid in ('analytics.rollup_drift(timestamptz, timestamptz)'::regprocedure,
               'analytics.day_rollup_drift(date)'::regprocedure)
   and prosrc like '%author_ids%';

select * from finish();
rollback;
