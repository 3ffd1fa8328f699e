-- Verify lokdarpan:crisis/response on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/crisis/response.sql.

begin;

select 1 / (count(*) = 12)::int from pg_catalog.pg_attribute
 where attrelid = 'crisis.response_workflow'::regclass and attnum > 0 and not attisdropped
   and attname in ('workflow_id', 'crisis_id', 'workflow_name', 'steps', 'current_step', 'completion_pct', 'status', 'assigned_to', 'started_at', 'completed_at', 'created_at', 'updated_at');
select 'crisis.ix_response_workflow__crisis_id'::regclass;
select 'crisis.ix_response_workflow__assigned_to__status'::regclass;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'crisis.response_workflow'::regclass and tgname = 'tg_response_workflow__touch_updated_at';
select 1 / (count(*) = 13)::int from pg_catalog.pg_attribute
 where attrelid = 'crisis.real_time_notification'::regclass and attnum > 0 and not attisdropped
   and attname in ('notification_id', 'crisis_id', 'alert_id', 'ward_name', 'recipient_user_id', 'channel', 'priority', 'payload', 'status', 'created_at', 'sent_at', 'delivered_at', 'read_at');
select 'crisis.ix_real_time_notification__recipient__status__created_at'::regclass;
select 'crisis.ix_real_time_notification__crisis_id'::regclass;
select 'crisis.ix_real_time_notification__alert_id'::regclass;
select 'crisis.ix_real_time_notification__ward_name__created_at'::regclass;
select 1 / (count(*) = 13)::int from pg_catalog.pg_attribute
 where attrelid = 'crisis.crisis_communication_log'::regclass and attnum > 0 and not attisdropped
   and attname in ('log_id', 'crisis_id', 'ward_name', 'direction', 'channel', 'audience', 'message', 'approval_status', 'approved_by', 'sent_by', 'sent_at', 'metadata', 'created_at');
select 'crisis.ix_crisis_communication_log__crisis_id__created_at'::regclass;
select 'crisis.ix_crisis_communication_log__ward_name'::regclass;
select 'crisis.ix_crisis_communication_log__approved_by'::regclass;
select 'crisis.ix_crisis_communication_log__sent_by'::regclass;
select 1 / (count(*) = 11)::int from pg_catalog.pg_attribute
 where attrelid = 'crisis.crisis_performance_metrics'::regclass and attnum > 0 and not attisdropped
   and attname in ('crisis_id', 'detection_to_response_minutes', 'detection_to_resolution_minutes', 'target_response_minutes', 'met_response_target', 'workflows', 'workflow_completion_pct', 'notifications_sent', 'messages_sent', 'wards_affected', 'computed_at');
select 'crisis.compute_performance_metrics(int8, int4)'::regprocedure;

rollback;
