-- pgTAP: shape of the pulse module (tables, keys, foreign keys to the ward registry, checks,
-- indexes, comments, function properties).
begin;
select plan(34);

select has_table('pulse', t, 'table pulse.' || t) from unnest(array['ward_sentiment_timeseries',
    'ward_momentum_indicators', 'sentiment_snapshot', 'issue_tracker']) t;
select is((select relkind::text from pg_class where oid = 'pulse.ward_sentiment_timeseries'::regclass), 'p',
          'the time series is partitioned');
select is(pg_get_partkeydef('pulse.ward_sentiment_timeseries'::regclass), 'RANGE (bucket_start)',
          'by range of bucket_start');
select is((select count(*)::int from core.partition_policy
            where parent_schema = 'pulse' and parent_table = 'ward_sentiment_timeseries'), 1,
          'maintained by core.partition_policy');
select is((select count(*)::int from core.partitions_of('pulse.ward_sentiment_timeseries') where is_default), 1,
          'one default partition');
select cmp_ok((select count(*)::int from core.partitions_of('pulse.ward_sentiment_timeseries') where not is_default),
              '>=', 16, '12 months behind + current + 3 ahead');
select is((select count(*)::int from core.partitions_of('pulse.ward_sentiment_timeseries') p
            where not p.is_default and p.partition_name !~ '^ward_sentiment_timeseries_p\d{4}_\d{2}$'), 0,
          'partitions are named ward_sentiment_timeseries_pYYYY_MM');
select is((select count(*)::int
             from core.partitions_of('pulse.ward_sentiment_timeseries') p
            where not exists (select 1 from pg_constraint k
                               where k.conrelid = p.partition_oid and k.contype = 'f'
                                 and k.confrelid = 'core.ward'::regclass)), 0,
          'every partition carries the ward foreign key');
select col_is_pk('pulse', 'ward_sentiment_timeseries', array['ward_name', 'bucket_start']::name[], 'primary key of ' || 'pulse' || '.' || 'ward_sentiment_timeseries');
select col_is_pk('pulse', 'ward_momentum_indicators', array['ward_name']::name[], 'primary key of ' || 'pulse' || '.' || 'ward_momentum_indicators');
select fk_ok('pulse', 'ward_momentum_indicators', 'ward_name', 'core', 'ward', 'ward_name');
select fk_ok('pulse', 'sentiment_snapshot', 'dominant_emotion', 'core', 'emotion', 'emotion');
select fk_ok('pulse', 'issue_tracker', 'ward_name', 'core', 'ward', 'ward_name');
select col_is_unique('pulse', 'issue_tracker', array['ward_name', 'issue_key']::name[]);
select has_check('pulse', 'issue_tracker', 'severity / status / activity checks');
select has_index('pulse', 'issue_tracker', 'ix_issue_tracker__ward_name__resolution_status__severity',
                 array['ward_name', 'resolution_status', 'severity']::name[]);
select function_returns('pulse', 'compute_ward_momentum', array['timestamp with time zone', 'text', 'interval'],
                        'setof pulse.ward_momentum_indicators');
select volatility_is('pulse', 'compute_ward_momentum', array['timestamp with time zone', 'text', 'interval'],
                     'volatile');
select is((select count(*)::int from pulse.compute_ward_momentum(now())), 145, 'momentum on an empty series: 145 rows');
select is((select count(*)::int from pulse.ward_momentum_indicators where trend_direction = 'insufficient_data'), 145,
          'without data every ward is insufficient_data');
-- the crisis-response fields of core.alert
select has_column('core', 'alert', c, 'core.alert.' || c) from unnest(array['priority_score', 'status', 'assigned_to',
    'escalation_level', 'escalated_at', 'acknowledged_at', 'resolved_at']) c;
select fk_ok('core', 'alert', 'assigned_to', 'core', 'app_user', 'user_id');
select has_index('core', 'alert', 'ix_alert__ward_name__status__priority_score',
                 array['ward_name', 'status', 'priority_score']::name[]);
select throws_ok($$insert into core.alert (ward_name, description, status) values ('Kapra', 'x', 'closed')$$,
                 '23514', null, 'alert status vocabulary');
select col_type_is('core', 'alert', 'acknowledged_at', 'timestamp with time zone', 'alert' || '.' || 'acknowledged_at' || ' is ' || 'timestamp with time zone');

-- module-wide rules (comments, primary keys, pinned search_path, indexed foreign keys,
-- ward columns referencing core.ward, jsonb/timestamptz) are checked for every schema at once
-- by tests/pgtap/style/style.sql

select * from finish();
rollback;
