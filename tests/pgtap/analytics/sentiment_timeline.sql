-- Behaviour of analytics/sentiment_timeline (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Posts of its own on a whole earlier day (day rollup), in an hour of the current day (hour
-- rollup) and in the current partial hour (posts): every day of the timeline counts them all,
-- and the earlier day comes from its day row.

begin;
select plan(2);

insert into core.post (created_at, city, text, emotion, party, fingerprint)
select t, 'Kapra', 'verify timeline days ' || t, e, null, sha256(convert_to('verify timeline days ' || t, 'UTF8'))
  from (values (timestamptz '2026-03-10 06:10+00', 'positive'),
               ('2026-03-10 20:10+00', 'negative'),
               ('2026-03-11 08:40+00', 'neutral')) v(t, e);
select ok(count(*) = 3 and count(*) filter (where t.total_posts <> (
                select count(*) from core.post p
                 where p.city = 'Kapra' and analytics.ist_day(p.created_at) = t.day
                   and p.created_at < '2026-03-11 09:05+00')) = 0
            and sum(t.total_posts) >= 3, 'analytics/sentiment_timeline: check 1')
  from analytics.get_ward_sentiment_timeline('Kapra', 3, '2026-03-11 09:05+00') t;
-- and the earlier day is the day row itself (an edit made here shows)
update analytics.ward_day set posts = posts + 1, unknown = unknown + 1 where ward_name = 'Kapra' and day = '2026-03-10';
select ok(t.total_posts = d.posts, 'analytics/sentiment_timeline: check 2')
  from analytics.get_ward_sentiment_timeline('Kapra', 3, '2026-03-11 09:05+00') t
  join analytics.ward_day d on d.ward_name = 'Kapra' and d.day = t.day
 where t.day = '2026-03-10';

select * from finish();
rollback;
