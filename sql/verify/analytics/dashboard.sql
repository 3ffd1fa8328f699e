-- Verify lokdarpan:analytics/dashboard on pg

begin;

insert into core.post (created_at, city, text, emotion, party, fingerprint)
values (now() - interval '2 hours', 'Kapra', 'verify dashboard', 'positive', 'TDP',
        core.post_fingerprint('Kapra', null, now() - interval '2 hours', 'verify dashboard'));
select 1 / (count(*) = 2 and bool_and(mode = 'concurrently'))::int from analytics.refresh_ward_analytics();
select 1 / (posts_30d = 1 and top_party_30d = 'TDP')::int from analytics.ward_analytics_summary where ward_name = 'Kapra';
select 1 / (count(*) = 145)::int from analytics.ward_analytics_summary;
select 1 / count(*) from analytics.daily_ward_trends where ward_name = 'Kapra';
select 1 / (count(*) >= 7)::int from analytics.ward_performance_metrics('Kapra');
select 1 / count(*) from ops.validate_data_integrity() where check_name = 'rollups_in_step' and status = 'PASS';

rollback;
