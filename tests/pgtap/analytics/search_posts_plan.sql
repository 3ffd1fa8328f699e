-- Behaviour of analytics/search_posts_plan (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- search_posts plans every call for its own arguments.

begin;
select plan(1);

select ok(count(*) = 1, 'analytics/search_posts_plan: check 1')
  from pg_catalog.pg_proc
 where oid = 'analytics.search_posts(text, text, integer, integer, timestamptz)'::regprocedure
   and 'plan_cache_mode=force_custom_plan' = any (proconfig);

select * from finish();
rollback;
