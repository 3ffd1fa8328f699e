-- Behaviour of analytics/dashboard (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Differences before and after a post of its own, so it holds on a database with data.

begin;
select plan(6);

select count(*) from analytics.refresh_ward_analytics();
create temp table verify_before on commit drop as
select posts_30d from analytics.ward_analytics_summary where ward_name = 'Kapra';
insert into core.post (created_at, city, text, emotion, party, fingerprint)
values (now() - interval '2 hours', 'Kapra', 'verify dashboard ' || txid_current(), 'positive', 'TDP',
        core.post_fingerprint('Kapra', null, now() - interval '2 hours', 'verify dashboard ' || txid_current()));
select ok(count(*) = 2 and bool_and(mode = 'concurrently'), 'analytics/dashboard: check 1') from analytics.refresh_ward_analytics();
select ok(s.posts_30d = b.posts_30d + 1, 'analytics/dashboard: check 2')
  from analytics.ward_analytics_summary s, verify_before b where s.ward_name = 'Kapra';
select ok(count(*) = (select count(*) from core.ward), 'analytics/dashboard: check 3') from analytics.ward_analytics_summary;
select ok(count(*) > 0, 'analytics/dashboard: check 4') from analytics.daily_ward_trends where ward_name = 'Kapra';
select ok(count(*) >= 7, 'analytics/dashboard: check 5') from analytics.ward_performance_metrics('Kapra');
select ok(count(*) > 0, 'analytics/dashboard: check 6') from ops.validate_data_integrity() where check_name = 'rollups_in_step';

select * from finish();
rollback;
