-- Revert lokdarpan:analytics/search_custom_plan from pg
-- search_posts back on the session's plan cache mode.

begin;

alter function analytics.search_posts(text, text, integer, integer, timestamptz) reset plan_cache_mode;

commit;
