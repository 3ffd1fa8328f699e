-- Verify lokdarpan:pulse/sentiment_timeseries on pg

begin;

select 1 / count(*) from core.partition_policy
 where parent_schema = 'pulse' and parent_table = 'ward_sentiment_timeseries';
select 1 / (count(*) >= 5)::int from core.partitions_of('pulse.ward_sentiment_timeseries'::regclass)
 where not is_default;
select 1 / count(*) from core.partitions_of('pulse.ward_sentiment_timeseries'::regclass) where is_default;
insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start, post_count, positive_count, sentiment_score)
values ('Kapra', date_trunc('day', now()), 3, 2, 0.5);
select 1 / count(*) from pulse.ward_sentiment_timeseries
 where ward_name = 'Kapra' and tableoid <> 'pulse.ward_sentiment_timeseries_default'::regclass;
do $$
begin
    insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start) values ('Atlantis', now());
    raise exception 'an unknown ward was accepted';
exception when foreign_key_violation then
    null;
end
$$;

rollback;
