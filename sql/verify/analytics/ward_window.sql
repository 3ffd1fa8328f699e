-- Verify lokdarpan:analytics/ward_window on pg
-- Shape only: the result type, and ward_window answering for an empty window (it reads no
-- row). Behaviour: tests/pgtap/analytics/ward_window.sql.

begin;

select 1 / (count(*) = 10)::int from pg_catalog.pg_attribute
 where attrelid = (select typrelid from pg_catalog.pg_type where oid = 'analytics.window_stat'::regtype)
   and attnum > 0 and not attisdropped;
select 1 / ((analytics.ward_window('Kapra', '2026-01-05 13:10+00', '2026-01-05 13:00+00')).posts = 0)::int;
select 'analytics.check_days(integer)'::regprocedure;

rollback;
