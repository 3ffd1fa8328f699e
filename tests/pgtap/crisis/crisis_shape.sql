-- pgTAP: shape of the crisis module (tables, keys, foreign keys to the ward registry, checks,
-- indexes, comments, function properties).
begin;
select plan(28);

select has_table('crisis', t, 'table crisis.' || t) from unnest(array['crisis_event', 'crisis_event_ward',
    'response_workflow', 'crisis_performance_metrics', 'real_time_notification', 'crisis_communication_log']) t;
select has_view('crisis', 'ward_crisis_summary', 'the seeds'' ward_crisis_summary view');
select columns_are('crisis', 'ward_crisis_summary', array['ward_name', 'total_crises', 'high_severity_crises',
    'active_crises', 'avg_response_minutes', 'last_crisis_at', 'last_crisis_date']::name[]);
select col_is_pk('crisis', 'crisis_event_ward', array['crisis_id', 'ward_name']::name[], 'primary key of ' || 'crisis' || '.' || 'crisis_event_ward');
select fk_ok('crisis', 'crisis_event_ward', 'ward_name', 'core', 'ward', 'ward_name');
select fk_ok('crisis', 'crisis_event_ward', 'crisis_id', 'crisis', 'crisis_event', 'crisis_id');
select fk_ok('crisis', 'response_workflow', 'crisis_id', 'crisis', 'crisis_event', 'crisis_id');
select fk_ok('crisis', 'real_time_notification', 'recipient_user_id', 'core', 'app_user', 'user_id');
select fk_ok('crisis', 'crisis_event', 'alert_id', 'core', 'alert', 'alert_id');
select has_index('crisis', 'crisis_event_ward', 'ix_crisis_event_ward__ward_name__crisis_id',
                 array['ward_name', 'crisis_id']::name[]);
select has_index('crisis', 'crisis_event', 'ix_crisis_event__open_priority', 'partial index of open crises');
select has_index('crisis', 'crisis_event_ward', 'ix_crisis_event_ward__ward_name__open', 'partial index of open scope rows');
select has_trigger('crisis', 'crisis_event', 'tg_crisis_event__propagate_is_open', 'scope rows follow the crisis status');
select has_check('crisis', 'crisis_event', 'severity / status / ordering checks');
select is((select count(*)::int from pg_constraint
            where conrelid = 'crisis.crisis_event'::regclass
              and conname in ('ck_crisis_event__first_response_order', 'ck_crisis_event__resolved_order')), 2,
          'timeline ordering constraints exist');
select function_returns('crisis', 'get_open_crises', array['text'], 'setof record');
select volatility_is('crisis', 'get_open_crises', array['text'], 'stable');
select volatility_is('crisis', 'compute_performance_metrics', array['bigint', 'integer'], 'volatile');
select is((select count(*)::int from crisis.ward_crisis_summary where total_crises = 0), 145,
          'the summary lists every ward on an empty database');
select is((select count(*)::int from crisis.get_open_crises('Kapra')), 0, 'no open crisis on an empty database');
select throws_ok($$insert into crisis.crisis_event (crisis_type, severity, title) values ('flooding', 'apocalyptic', 't')$$,
                 '23514', null, 'severity is low..catastrophic');
select throws_ok($$insert into crisis.crisis_event (crisis_type, severity, title, detected_at, first_response_at)
                   values ('flooding', 'low', 't', now(), now() - interval '1 minute')$$,
                 '23514', null, 'first response cannot precede detection');
select throws_ok($$insert into crisis.crisis_event_ward (crisis_id, ward_name) values (-1, 'Kapra')$$,
                 '23503', null, 'scope rows need a crisis');

-- module-wide rules (comments, primary keys, pinned search_path, indexed foreign keys,
-- ward columns referencing core.ward, jsonb/timestamptz) are checked for every schema at once
-- by tests/pgtap/style/style.sql

select * from finish();
rollback;
