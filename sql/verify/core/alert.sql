-- Verify lokdarpan:core/alert on pg
-- Shape only: the table with its response-workflow columns and the updated-at trigger.
-- Behaviour: tests/pgtap/core/alert.sql.

begin;

select 1 / (count(*) = 17)::int from pg_catalog.pg_attribute
 where attrelid = 'core.alert'::regclass and attnum > 0 and not attisdropped;
select 1 / (count(*) = 1)::int from pg_catalog.pg_attribute
 where attrelid = 'core.alert'::regclass and attname = 'priority_score' and atttypid = 'numeric'::regtype;
select 1 / (count(*) = 1)::int from pg_catalog.pg_trigger
 where tgrelid = 'core.alert'::regclass and tgname = 'tg_alert__touch_updated_at';

rollback;
