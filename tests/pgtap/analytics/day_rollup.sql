-- Behaviour of analytics/day_rollup (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Posts of its own land in the day rollups exactly and a window over whole days reads them.

begin;
select plan(3);

insert into core.post (created_at, city, text, emotion, party, fingerprint)
select t, 'Kapra', 'verify day rollup ' || t, e, p, sha256(convert_to('verify day rollup ' || t, 'UTF8'))
  from (values (timestamptz '2026-03-10 06:10+00', 'positive', 'BJP'),
               ('2026-03-10 20:10+00', 'negative', 'INC'),
               ('2026-03-11 08:40+00', 'neutral', null)) v(t, e, p);
select ok(count(*) = 0, 'analytics/day_rollup: check 1') from analytics.day_rollup_drift() d where d.ward_name = 'Kapra';
select ok(d.posts >= 2, 'analytics/day_rollup: check 2') from analytics.ward_day d where d.ward_name = 'Kapra' and d.day = '2026-03-11';
select ok((w).posts = (select count(*) from core.post
                           where city = 'Kapra' and created_at >= '2026-03-01 07:17+00'
                             and created_at < '2026-03-20 11:45+00'), 'analytics/day_rollup: check 3')
  from (select analytics.ward_window('Kapra', '2026-03-01 07:17+00', '2026-03-20 11:45+00') as w) s;

select * from finish();
rollback;
