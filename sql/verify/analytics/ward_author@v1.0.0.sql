-- Verify lokdarpan:analytics/ward_author on pg
-- Shape only: the two tables with their columns, the trigger set on core.post, and
-- window_authors answering for an empty window. Behaviour: tests/pgtap/analytics/ward_author.sql.

begin;

select 1 / (count(*) = 4)::int from pg_catalog.pg_attribute
 where attrelid = 'analytics.ward_author'::regclass and attnum > 0 and not attisdropped
   and attname in ('ward_name', 'author_id', 'last_post_at', 'moved_from');
select 1 / (count(*) = 3)::int from pg_catalog.pg_attribute
 where attrelid = 'analytics.ward_author_day'::regclass and attnum > 0 and not attisdropped
   and attname in ('ward_name', 'day', 'authors');
select 1 / (count(*) = 4)::int from pg_catalog.pg_trigger
 where tgrelid = 'core.post'::regclass and tgname like 'tg_post\_\_ward\_author\_%';
select 'analytics.ward_author_drift(timestamptz)'::regprocedure, 'analytics.ward_author_drift()'::regprocedure,
       'analytics.ward_author_day_drift(date)'::regprocedure, 'analytics.ward_author_day_drift()'::regprocedure;
-- an empty window: no index is read
select 1 / (analytics.window_authors('Kapra', '2026-01-02 00:00+00', '2026-01-01 00:00+00') = 0)::int;

rollback;
