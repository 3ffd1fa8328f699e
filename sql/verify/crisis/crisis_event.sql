-- Verify lokdarpan:crisis/crisis_event on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/crisis/crisis_event.sql.

begin;

select 1 / (count(*) = 17)::int from pg_catalog.pg_attribute
 where attrelid = 'crisis.crisis_event'::regclass and attnum > 0 and not attisdropped
   and attname in ('crisis_id', 'crisis_type', 'severity', 'severity_rank', 'priority_score', 'title', 'description', 'status', 'is_open', 'source', 'alert_id', 'detected_at', 'first_response_at', 'resolved_at', 'created_by', 'created_at', 'updated_at');
select 'crisis.ix_crisis_event__open_priority'::regclass;
select 'crisis.ix_crisis_event__detected_at'::regclass;
select 'crisis.ix_crisis_event__alert_id'::regclass;
select 'crisis.ix_crisis_event__created_by'::regclass;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'crisis.crisis_event'::regclass and tgname = 'tg_crisis_event__touch_updated_at';
select 1 / (count(*) = 3)::int from pg_catalog.pg_attribute
 where attrelid = 'crisis.crisis_event_ward'::regclass and attnum > 0 and not attisdropped
   and attname in ('crisis_id', 'ward_name', 'is_open');
select 'crisis.ix_crisis_event_ward__ward_name__crisis_id'::regclass;
select 'crisis.ix_crisis_event_ward__ward_name__open'::regclass;
select 'crisis.tg_crisis_event_ward__copy_is_open()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'crisis.crisis_event_ward'::regclass and tgname = 'tg_crisis_event_ward__copy_is_open';
select 'crisis.tg_crisis_event__propagate_is_open()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'crisis.crisis_event'::regclass and tgname = 'tg_crisis_event__propagate_is_open';
select 'crisis.set_crisis_scope(int8, text[])'::regprocedure;

rollback;
