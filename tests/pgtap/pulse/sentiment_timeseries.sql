-- Behaviour of pulse/sentiment_timeseries (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(5);

select ok(count(*) > 0, 'pulse/sentiment_timeseries: check 1') from core.partition_policy
 where parent_schema = 'pulse' and parent_table = 'ward_sentiment_timeseries';
select ok(count(*) >= 5, 'pulse/sentiment_timeseries: check 2') from core.partitions_of('pulse.ward_sentiment_timeseries'::regclass)
 where not is_default;
select ok(count(*) > 0, 'pulse/sentiment_timeseries: check 3') from core.partitions_of('pulse.ward_sentiment_timeseries'::regclass) where is_default;
insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start, post_count, positive_count, sentiment_score)
values ('Kapra', date_trunc('day', now()), 3, 2, 0.5);
select ok(count(*) > 0, 'pulse/sentiment_timeseries: check 4') from pulse.ward_sentiment_timeseries
 where ward_name = 'Kapra' and tableoid <> 'pulse.ward_sentiment_timeseries_default'::regclass;
select lives_ok($tap$
do $$
begin
    insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start) values ('Atlantis', now());
    raise exception 'an unknown ward was accepted';
exception when foreign_key_violation then
    null;
end
$$;
$tap$, 'pulse/sentiment_timeseries: check 5');

select * from finish();
rollback;
