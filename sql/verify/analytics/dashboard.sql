-- Verify lokdarpan:analytics/dashboard on pg
-- Differences before and after a post of its own, so it holds on a database with data.

begin;

select count(*) from analytics.refresh_ward_analytics();
create temp table verify_before on commit drop as
select posts_30d from analytics.ward_analytics_summary where ward_name = 'Kapra';
insert into core.post (created_at, city, text, emotion, party, fingerprint)
values (now() - interval '2 hours', 'Kapra', 'verify dashboard ' || txid_current(), 'positive', 'TDP',
        core.post_fingerprint('Kapra', null, now() - interval '2 hours', 'verify dashboard ' || txid_current()));
select 1 / (count(*) = 2 and bool_and(mode = 'concurrently'))::int from analytics.refresh_ward_analytics();
select 1 / (s.posts_30d = b.posts_30d + 1)::int
  from analytics.ward_analytics_summary s, verify_before b where s.ward_name = 'Kapra';
select 1 / (count(*) = (select count(*) from core.ward))::int from analytics.ward_analytics_summary;
select 1 / count(*) from analytics.daily_ward_trends where ward_name = 'Kapra';
select 1 / (count(*) >= 7)::int from analytics.ward_performance_metrics('Kapra');
select 1 / count(*) from ops.validate_data_integrity() where check_name = 'rollups_in_step';

rollback;
