-- Verify lokdarpan:analytics/rollup on pg

begin;

insert into core.author (name) values ('verify author');
insert into core.post (created_at, city, author_id, text, emotion, party, fingerprint)
select t, 'Kapra', (select author_id from core.author where name = 'verify author'), 'verify ' || t, e, 'BJP',
       core.post_fingerprint('Kapra', 'verify author', t, 'verify ' || t)
  from (values (timestamptz '2026-01-05 10:40+00', 'positive'), ('2026-01-05 10:50+00', 'negative'),
               ('2026-01-05 11:35+00', 'neutral')) v(t, e);
select 1 / (count(*) = 2)::int from analytics.ward_hour where ward_name = 'Kapra'
   and bucket >= '2026-01-05 00:00+00' and bucket < '2026-01-06 00:00+00';
select 1 / (posts = 2 and positive = 1 and negative = 1 and author_ids = array[(select author_id from core.author where name = 'verify author')])::int
  from analytics.ward_hour where ward_name = 'Kapra' and bucket = '2026-01-05 10:30+00';
delete from core.post where city = 'Kapra' and created_at = '2026-01-05 10:50+00';
select 1 / (posts = 1)::int from analytics.ward_hour where ward_name = 'Kapra' and bucket = '2026-01-05 10:30+00';
select 1 / (count(*) = 0)::int from analytics.rollup_drift('2026-01-01 00:00+00', '2026-02-01 00:00+00');

rollback;
