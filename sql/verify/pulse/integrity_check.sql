-- Verify lokdarpan:pulse/integrity_check on pg

begin;

insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start) values ('Kapra', '1999-06-01 00:00+00');
select 1 / count(*) from ops.validate_data_integrity()
 where check_name = 'pulse_sentiment_default_partition' and status = 'WARN' and record_count = 1;

rollback;
