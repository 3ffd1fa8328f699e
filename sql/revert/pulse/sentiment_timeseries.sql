-- Revert lokdarpan:pulse/sentiment_timeseries from pg
-- Partitions detached by retention are plain tables holding data: this revert does not drop them.

begin;

delete from core.partition_policy where parent_schema = 'pulse' and parent_table = 'ward_sentiment_timeseries';
drop table pulse.ward_sentiment_timeseries;

commit;
