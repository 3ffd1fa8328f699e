-- Behaviour of pulse/momentum (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(2);

insert into pulse.ward_sentiment_timeseries
    (ward_name, bucket_start, post_count, positive_count, negative_count, sentiment_score,
     engagement_score, top_issues)
values ('Kapra', timestamptz '2020-01-10 00:00+00', 10, 2, 8, -0.6, 100, '["roads"]'),
       ('Kapra', timestamptz '2020-01-03 00:00+00', 10, 5, 5, 0.0, 50, '["water"]');
select ok(count(*) > 0, 'pulse/momentum: check 1')
  from pulse.compute_ward_momentum(timestamptz '2020-01-14 00:00+00', 'kapra', interval '7 days') m
 where m.ward_name = 'Kapra' and m.sentiment_momentum = -0.6 and m.engagement_momentum = 100
   and m.issue_emergence = 1 and m.emerging_issues = '["roads"]' and m.trend_direction = 'falling'
   and m.political_temperature = 75;
select ok(count(*) = 145, 'pulse/momentum: check 2') from pulse.compute_ward_momentum(timestamptz '2020-01-14 00:00+00');

select * from finish();
rollback;
