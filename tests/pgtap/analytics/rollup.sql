-- Behaviour of analytics/rollup (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Works on a database holding data: compares the rollups before and after its own posts (an
-- insert and a delete); the hour and day rollups carry no author-id arrays.

begin;
select plan(4);

create temp table verify_before on commit drop as
select coalesce(sum(posts), 0) as posts, coalesce(sum(positive), 0) as positive,
       (select coalesce(sum(d.posts), 0) from analytics.ward_day d
         where d.ward_name = 'Kapra' and d.day = '2026-01-05') as day_posts
  from analytics.ward_hour where ward_name = 'Kapra' and bucket = '2026-01-05 10:30+00';
insert into core.author (name) values ('verify author ' || txid_current());
insert into core.post (created_at, city, author_id, text, emotion, party, fingerprint)
select t, 'Kapra', (select author_id from core.author where name = 'verify author ' || txid_current()),
       'verify ' || t || txid_current(), e, 'BJP', core.post_fingerprint('Kapra', 'v', t, 'verify ' || t || txid_current())
  from (values (timestamptz '2026-01-05 10:40+00', 'positive'), ('2026-01-05 10:50+00', 'negative')) v(t, e);
select ok(h.posts = b.posts + 2 and h.positive = b.positive + 1, 'analytics/rollup: check 1')
  from analytics.ward_hour h, verify_before b
 where h.ward_name = 'Kapra' and h.bucket = '2026-01-05 10:30+00';
delete from core.post where text = 'verify 2026-01-05 10:50:00+00' || txid_current()
   or (city = 'Kapra' and created_at = '2026-01-05 10:50+00' and text like 'verify %');
select ok(h.posts = b.posts + 1 and d.posts = b.day_posts + 1, 'analytics/rollup: check 2')
  from analytics.ward_hour h, analytics.ward_day d, verify_before b
 where h.ward_name = 'Kapra' and h.bucket = '2026-01-05 10:30+00'
   and d.ward_name = 'Kapra' and d.day = '2026-01-05';
select ok(count(*) = 0, 'analytics/rollup: check 3') from analytics.rollup_drift('2026-01-05 00:00+00', '2026-01-06 00:00+00');
select ok(count(*) = 0, 'analytics/rollup: check 4') from pg_attribute
 where attrelid in ('analytics.ward_hour'::regclass, 'analytics.ward_day'::regclass)
   and attname = 'author_ids' and not attisdropped;

select * from finish();
rollback;
