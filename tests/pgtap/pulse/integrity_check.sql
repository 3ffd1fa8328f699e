-- Behaviour of pulse/integrity_check (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").

begin;
select plan(1);

insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start) values ('Kapra', '1999-06-01 00:00+00');
select ok(count(*) > 0, 'pulse/integrity_check: check 1') from ops.validate_data_integrity()
 where check_name = 'pulse_sentiment_default_partition' and status = 'WARN' and record_count = 1;

select * from finish();
rollback;
