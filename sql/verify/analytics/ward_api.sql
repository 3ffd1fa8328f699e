-- Verify lokdarpan:analytics/ward_api on pg

begin;

insert into core.post (created_at, city, text, emotion, party, fingerprint)
select t, 'Jubilee Hills', 'flooded roads near the lake ' || t, e, p,
       core.post_fingerprint('Jubilee Hills', null, t, 'flooded roads near the lake ' || t)
  from (values (timestamptz '2026-03-10 06:00+00', 'positive', 'BJP'),
               ('2026-03-01 06:00+00', 'negative', 'INC'),
               ('2026-02-01 06:00+00', 'negative', 'INC')) v(t, e, p);
select 1 / (total_posts = 2 and posts_7d = 1 and sentiment_negative = 1
            and party_breakdown = '{"BJP": 1, "INC": 1}')::int
  from analytics.get_ward_intelligence_fast('jubilee hills', 14, '2026-03-12 00:00+00');
select 1 / (count(*) = 2 and sum(mention_share) = 100)::int
  from analytics.get_ward_competitive_analysis('Jubilee Hills', 14, '2026-03-12 00:00+00');
select 1 / (count(*) = 14 and sum(total_posts) = 2)::int
  from analytics.get_ward_sentiment_timeline('Jubilee Hills', 14, '2026-03-12 00:00+00');
select 1 / count(*) from analytics.search_posts('flood lake', 'Jubilee Hills', 5, null, '2026-03-12 00:00+00');
select 1 / (ward_name = 'Jubilee Hills')::int from analytics.find_ward('jubilee hils', 1);
select 1 / (total_posts = 0)::int from analytics.get_ward_intelligence_fast('Kapra', 30, '2026-03-12 00:00+00');

rollback;
