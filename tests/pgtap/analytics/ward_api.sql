-- Behaviour of analytics/ward_api (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Differences before and after three posts of its own, so it holds on a database with data.

begin;
select plan(5);

create temp table verify_before on commit drop as
select i.total_posts, i.posts_7d, i.sentiment_negative,
       (select count(*) from analytics.get_ward_sentiment_timeline('Jubilee Hills', 14, '2026-03-12 00:00+00')) as days,
       (select coalesce(sum(total_posts), 0) from analytics.get_ward_sentiment_timeline('Jubilee Hills', 14,
                                                                                     '2026-03-12 00:00+00')) as line
  from analytics.get_ward_intelligence_fast('jubilee hills', 14, '2026-03-12 00:00+00') i;
insert into core.post (created_at, city, text, emotion, party, fingerprint)
select t, 'Jubilee Hills', 'verify flooded roads near the lake ' || t || txid_current(), e, p,
       core.post_fingerprint('Jubilee Hills', null, t, 'verify flooded roads near the lake ' || t || txid_current())
  from (values (timestamptz '2026-03-10 06:00+00', 'positive', 'BJP'),
               ('2026-03-01 06:00+00', 'negative', 'INC'),
               ('2026-02-01 06:00+00', 'negative', 'INC')) v(t, e, p);
select ok(i.total_posts = b.total_posts + 2 and i.posts_7d = b.posts_7d + 1
            and i.sentiment_negative = b.sentiment_negative + 1 and i.party_breakdown ? 'BJP', 'analytics/ward_api: check 1')
  from analytics.get_ward_intelligence_fast('jubilee hills', 14, '2026-03-12 00:00+00') i, verify_before b;
select ok(count(*) >= 2 and round(sum(mention_share)) = 100, 'analytics/ward_api: check 2')
  from analytics.get_ward_competitive_analysis('Jubilee Hills', 14, '2026-03-12 00:00+00');
select ok(count(*) = 14 and sum(total_posts) = (select line + 2 from verify_before), 'analytics/ward_api: check 3')
  from analytics.get_ward_sentiment_timeline('Jubilee Hills', 14, '2026-03-12 00:00+00');
select ok(count(*) > 0, 'analytics/ward_api: check 4') from analytics.search_posts('verify flood lake', 'Jubilee Hills', 5, null, '2026-03-12 00:00+00');
select ok(ward_name = 'Jubilee Hills', 'analytics/ward_api: check 5') from analytics.find_ward('jubilee hils', 1);

select * from finish();
rollback;
