-- Behaviour of the reworked recounts of analytics/rollup (analytics.recompute_hours,
-- recompute_days, rollup_lock_days) in one session: they repair rows that drifted (missing,
-- stale, left over), move a post's counts between hours and days, never leave a placeholder of
-- rollup_lock_days behind, and take an empty key list. Under concurrent writers:
-- tests/analytics/test_rollup_concurrency.py. Fixed dates in 2026-01, whatever today is.

begin;
select plan(15);

insert into core.post (created_at, city, text, emotion, party, fingerprint)
select t, 'Kapra', 'recount ' || t, e, pa, core.post_fingerprint('Kapra', null, t, 'recount ' || t)
  from (values (timestamptz '2026-01-05 10:40+00', 'positive', 'BJP'), ('2026-01-05 10:50+00', 'negative', null),
               ('2026-01-05 12:40+00', 'neutral', 'INC')) v(t, e, pa);

-- a move across an IST day (18:30 UTC) through the UPDATE trigger: the old hour and the day it
-- leaves lose the post, the new ones gain it; a day that loses its last post has no row
update core.post set created_at = '2026-01-06 19:00+00' where city = 'Kapra' and created_at = '2026-01-05 12:40+00';
select ok((select posts from analytics.ward_day where ward_name = 'Kapra' and day = '2026-01-05') = 2
          and (select posts from analytics.ward_day where ward_name = 'Kapra' and day = '2026-01-07') = 1
          and not exists (select 1 from analytics.ward_hour where ward_name = 'Kapra' and bucket = '2026-01-05 12:30+00'),
          'a moved post leaves its hour and day and lands in the new ones');
select ok((select mentions from analytics.ward_day_party where ward_name = 'Kapra' and day = '2026-01-07'
            and party = 'INC') = 1
          and not exists (select 1 from analytics.ward_day_party where ward_name = 'Kapra' and day = '2026-01-05'
                           and party = 'INC'),
          'its party mention moves with it');
delete from core.post where city = 'Kapra' and created_at = '2026-01-06 19:00+00';
select ok(not exists (select 1 from analytics.ward_day where ward_name = 'Kapra' and day = '2026-01-07')
          and not exists (select 1 from analytics.ward_day_party where ward_name = 'Kapra' and day = '2026-01-07'),
          'deleting the last post of a day deletes its day and party rows');

-- drift made by hand: a stale hour, a missing party row, an hour without posts, a wrong day
update analytics.ward_hour set posts = 7, unknown = unknown + 7 - posts
 where ward_name = 'Kapra' and bucket = '2026-01-05 10:30+00';
delete from analytics.ward_hour_party where ward_name = 'Kapra' and bucket = '2026-01-05 10:30+00';
insert into analytics.ward_hour values ('Kapra', '2026-01-05 14:30+00', 3, 0, 0, 0, 0, 3, 0, 0);
select ok(analytics.recompute_hours('[{"w": "Kapra", "b": "2026-01-05 10:45+00"},
                                      {"w": "Kapra", "b": "2026-01-05 14:30+00"}]') = 1,
          'recompute_hours: one hour written (an instant stands for its hour), one deleted');
select ok((select (posts, positive, negative) = (2, 1, 1) from analytics.ward_hour
            where ward_name = 'Kapra' and bucket = '2026-01-05 10:30+00')
          and not exists (select 1 from analytics.ward_hour where ward_name = 'Kapra' and bucket = '2026-01-05 14:30+00'),
          'the stale hour is recounted from the posts, the hour without posts is gone');
select ok((select mentions from analytics.ward_hour_party where ward_name = 'Kapra'
            and bucket = '2026-01-05 10:30+00' and party = 'BJP') = 1,
          'the missing party row is back');
select ok(count(*) = 0, 'no hour drift left') from analytics.rollup_drift('2026-01-05 00:00+00', '2026-01-08 00:00+00');
select ok(count(*) = 0, 'no day drift left') from analytics.day_rollup_drift('2026-01-04');

-- recompute_days alone: a wrong day is rewritten, a day without hours leaves no row (also not
-- the placeholder rollup_lock_days inserts to lock it)
update analytics.ward_day set posts = 9, unknown = unknown + 9 - posts where ward_name = 'Kapra' and day = '2026-01-05';
select ok(analytics.recompute_days('[{"w": "Kapra", "d": "2026-01-05"}, {"w": "Kapra", "d": "2026-01-20"}]') = 1,
          'recompute_days: one day written');
select ok((select posts from analytics.ward_day where ward_name = 'Kapra' and day = '2026-01-05') = 2
          and not exists (select 1 from analytics.ward_day where ward_name = 'Kapra' and day = '2026-01-20'),
          'the wrong day is the sum of its hours again; the day without hours has no row');

-- a party row of a party the hour or day no longer mentions goes; the other parties of the same
-- key stay (the recount deletes exactly the (key, party) pairs its upsert did not return)
insert into analytics.ward_hour_party values ('Kapra', '2026-01-05 10:30+00', 'AIMIM', 4, 0, 0, 0, 0);
insert into analytics.ward_day_party values ('Kapra', '2026-01-05', 'AIMIM', 4, 0, 0, 0, 0);
select ok(analytics.recompute_hours('[{"w": "Kapra", "b": "2026-01-05 10:30+00"}]') = 1,
          'recompute_hours of an hour with a stray party row: one hour written');
-- (checked in statements of their own: a statement's snapshot predates the recount it calls)
select ok(not exists (select 1 from analytics.ward_hour_party where ward_name = 'Kapra' and party = 'AIMIM')
          and (select mentions from analytics.ward_hour_party where ward_name = 'Kapra'
                and bucket = '2026-01-05 10:30+00' and party = 'BJP') = 1,
          'recompute_hours deletes the party row without posts and keeps the other party of the hour');
select ok(not exists (select 1 from analytics.ward_day_party where ward_name = 'Kapra' and party = 'AIMIM')
          and (select mentions from analytics.ward_day_party where ward_name = 'Kapra'
                and day = '2026-01-05' and party = 'BJP') = 1,
          'and its day recount the day party row, keeping the other party of the day');

select ok(analytics.recompute_hours('[]') = 0 and analytics.recompute_hours(null) = 0
          and analytics.recompute_days('[]') = 0, 'an empty or null key list is a no-op');

-- rollup_lock_days: an existing row is locked and kept as it is, a missing one gets a placeholder
select analytics.rollup_lock_days(array['Kapra', 'Kapra'], array[date '2026-01-05', date '2026-01-21']);
select ok((select posts from analytics.ward_day where ward_name = 'Kapra' and day = '2026-01-05') = 2
          and (select (posts, unknown) = (1, 1) from analytics.ward_day where ward_name = 'Kapra' and day = '2026-01-21'),
          'rollup_lock_days keeps an existing row and inserts a placeholder for a missing one');

select * from finish();
rollback;
