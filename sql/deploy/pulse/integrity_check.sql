-- Deploy lokdarpan:pulse/integrity_check to pg
-- requires: pulse/sentiment_timeseries
-- requires: ops/integrity_check
-- Registers the pulse module's check behind ops.validate_data_integrity(): time-series rows
-- sitting in the default partition (their month has no partition yet; maintenance moves them).

begin;

create function pulse.check_sentiment_default_partition()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, pulse
as $$
    select case when count(*) = 0 then 'PASS' else 'WARN' end, count(*),
           case when count(*) = 0 then 'the default partition of ward_sentiment_timeseries is empty'
                else 'rows in pulse.ward_sentiment_timeseries_default (run '
                     'core.daily_partition_maintenance() to move them into monthly partitions)' end
      from pulse.ward_sentiment_timeseries_default
$$;
comment on function pulse.check_sentiment_default_partition() is
    'Integrity check: WARN with the row count when pulse.ward_sentiment_timeseries_default holds '
    'rows, PASS otherwise. Cost: a count of the default partition (normally empty).';

insert into ops.integrity_check (check_name, check_function, description) values
    ('pulse_sentiment_default_partition', 'pulse.check_sentiment_default_partition',
     'No sentiment time-series row waits in the default partition');

commit;
