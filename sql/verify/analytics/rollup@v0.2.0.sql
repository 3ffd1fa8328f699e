-- Verify lokdarpan:analytics/rollup on pg
-- Works on a database holding data: compares the rollups before and after its own posts.

begin;

create temp table verify_before on commit drop as
select coalesce(sum(posts), 0) as posts, coalesce(sum(positive), 0) as positive
  from analytics.ward_hour where ward_name = 'Kapra' and bucket = '2026-01-05 10:30+00';
insert into core.author (name) values ('verify author ' || txid_current());
insert into core.post (created_at, city, author_id, text, emotion, party, fingerprint)
select t, 'Kapra', (select author_id from core.author where name = 'verify author ' || txid_current()),
       'verify ' || t || txid_current(), e, 'BJP', core.post_fingerprint('Kapra', 'v', t, 'verify ' || t || txid_current())
  from (values (timestamptz '2026-01-05 10:40+00', 'positive'), ('2026-01-05 10:50+00', 'negative')) v(t, e);
select 1 / (h.posts = b.posts + 2 and h.positive = b.positive + 1
            and (select author_id from core.author where name = 'verify author ' || txid_current()) = any (h.author_ids))::int
  from analytics.ward_hour h, verify_before b
 where h.ward_name = 'Kapra' and h.bucket = '2026-01-05 10:30+00';
delete from core.post where text = 'verify 2026-01-05 10:50:00+00' || txid_current()
   or (city = 'Kapra' and created_at = '2026-01-05 10:50+00' and text like 'verify %');
select 1 / (h.posts = b.posts + 1)::int
  from analytics.ward_hour h, verify_before b
 where h.ward_name = 'Kapra' and h.bucket = '2026-01-05 10:30+00';
select 1 / (count(*) = 0)::int from analytics.rollup_drift('2026-01-05 00:00+00', '2026-01-06 00:00+00');

rollback;
