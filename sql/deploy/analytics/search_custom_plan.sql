-- Deploy lokdarpan:analytics/search_custom_plan to pg
-- requires: analytics/search_by_ward
-- PL/pgSQL caches the plan of each query in search_posts, and from the sixth call in a session
-- it switches to a generic plan when that looks no dearer on average. Without the ward name and
-- the query the generic plan reads the ward's posts through (city, created_at) and tests every
-- search vector: at 10,000,000 posts a ward search went from ~30 ms (first five calls) to
-- ~300 ms (every later call on the same connection; measured). A custom plan per call (a few
-- hundred microseconds of planning) keeps the GIN index on (city, search_vector).

begin;

alter function analytics.search_posts(text, text, integer, integer, timestamptz)
    set plan_cache_mode = force_custom_plan;

commit;
