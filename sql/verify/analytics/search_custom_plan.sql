-- Verify lokdarpan:analytics/search_custom_plan on pg
-- search_posts plans every call for its own arguments.

begin;

select 1 / (count(*) = 1)::int
  from pg_catalog.pg_proc
 where oid = 'analytics.search_posts(text, text, integer, integer, timestamptz)'::regprocedure
   and 'plan_cache_mode=force_custom_plan' = any (proconfig);

rollback;
