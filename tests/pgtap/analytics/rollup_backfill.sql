-- Behaviour of analytics/rollup_backfill's batch function (the procedure around it commits, so
-- it is tested from pytest: tests/analytics/test_rollup_backfill.py). Posts written with the
-- rollup insert trigger disabled stand for posts older than analytics/rollup; one batch over
-- their hours counts them in, hours and days, and leaves other hours alone.

begin;
select plan(7);

alter table core.post disable trigger tg_post__rollup_insert;
insert into core.post (created_at, city, text, emotion, party, fingerprint)
select t, 'Kapra', 'backfill ' || t, e, p, core.post_fingerprint('Kapra', null, t, 'backfill ' || t)
  from (values (timestamptz '2025-02-03 10:40+00', 'positive', 'BJP'), ('2025-02-03 10:50+00', 'negative', null),
               ('2025-02-03 13:05+00', 'neutral', 'INC'), ('2025-02-04 09:00+00', 'mixed', 'BJP')) v(t, e, p);
alter table core.post enable trigger tg_post__rollup_insert;

select ok(count(*) > 0, 'the untracked posts are drift before the batch')
  from analytics.rollup_drift('2025-02-03 00:00+00', '2025-02-05 00:00+00');
-- [10:30, 13:30): the first three posts; the fourth (next IST day) stays out
select is(analytics.rollup_backfill_batch('Kapra', '2025-02-03 10:30+00', '2025-02-03 13:30+00'), 3::bigint,
          'the batch counts the posts of its hours');
select is((select array[posts, positive, negative, sentiment_sum] from analytics.ward_hour
            where ward_name = 'Kapra' and bucket = '2025-02-03 10:30+00'), array[2, 1, 1, 0],
          'hour row recounted from the posts');
select is((select mentions from analytics.ward_hour_party
            where ward_name = 'Kapra' and bucket = '2025-02-03 12:30+00' and party = 'INC'), 1,
          'party hour row recounted');
select is((select posts from analytics.ward_day where ward_name = 'Kapra' and day = '2025-02-03'), 3,
          'the day is rebuilt from its hours');
select is(analytics.rollup_backfill_batch('Kapra', '2025-02-04 08:30+00', '2025-02-04 09:30+00'), 1::bigint,
          'a second batch for the last post');
select is_empty($$ select * from analytics.rollup_drift('2025-02-03 00:00+00', '2025-02-05 00:00+00')
                   union all select ward_name, null, null, null from analytics.day_rollup_drift('2025-02-03')
                    where day < '2025-02-05' $$,
                'no drift left in the backfilled hours and days');

select * from finish();
rollback;
