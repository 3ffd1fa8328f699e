-- Deploy lokdarpan:analytics/ward_api to pg
-- requires: analytics/ward_api@v1.0.0
-- requires: core/post_ward_terms
-- Reworked after @v1.0.0 (the first version is ward_api@v1.0.0.sql); it replaces one function
-- of that change. analytics.search_posts with a ward found the ward's matches by intersecting,
-- inside the GIN index on core.post (city, search_vector), the city's matches of each term
-- with the ward's posts: the cost grew with the city's matches (all-time search p95 205 ms at
-- 53,000,000 posts). It now also asks core.ix_post__ward_terms for the keys every match
-- holds (core.ward_query_terms: the query's lexemes that are not negated, keyed by ward), whose
-- posting lists are exactly the ward's matches; city = ward and search_vector @@ query still
-- decide each row, so the results are the same rows in the same order. A query with an OR, a
-- negated phrase alone or no positive lexeme names no key and is searched as before.
-- What it locks: the function is replaced (catalog only); no table is touched. It replaces
-- no trigger function.

begin;

create or replace function analytics.search_posts(p_query text, p_ward text default null,
                                                  p_limit integer default 20, p_days integer default null,
                                                  p_now timestamptz default now())
returns table (post_id bigint, created_at timestamptz, ward_name text, author text, party text, emotion text,
               rank real, snippet text)
language plpgsql
stable
set search_path = pg_catalog, analytics, core
set plan_cache_mode = force_custom_plan
as $$
declare
    v_tsq  tsquery := websearch_to_tsquery('english', coalesce(p_query, ''));
    v_ward text := case when p_ward is null then null else core.resolve_ward(p_ward) end;
    v_lo   timestamptz := case when p_days is null then timestamptz '-infinity'
                               else p_now - make_interval(days => analytics.check_days(p_days)) end;
    v_lim  integer := greatest(least(coalesce(p_limit, 20), 1000), 0);
    v_keys text[] := core.ward_query_terms(v_ward, v_tsq);
begin
    if v_ward is null then
        return query
            with hits as (
                select p.post_id, p.created_at, p.city, p.author_id, p.party, p.emotion, p.text,
                       ts_rank_cd(p.search_vector, v_tsq) as rank
                  from core.post p
                 where p.search_vector @@ v_tsq
                   and p.created_at >= v_lo and p.created_at < p_now
                 order by rank desc, p.created_at desc, p.post_id
                 limit v_lim
            )
            select h.post_id, h.created_at, h.city, a.name, h.party, h.emotion, h.rank,
                   ts_headline('english', h.text, v_tsq, 'MaxWords=30, MinWords=10, MaxFragments=2')
              from hits h left join core.author a on a.author_id = h.author_id
             order by h.rank desc, h.created_at desc, h.post_id;
    else
        return query
            with hits as (
                select p.post_id, p.created_at, p.city, p.author_id, p.party, p.emotion, p.text,
                       ts_rank_cd(p.search_vector, v_tsq) as rank
                  from core.post p
                 where case when v_keys is null then p.city = v_ward and p.search_vector @@ v_tsq
                            -- planned per call, so v_keys is a constant: with keys, the exact tests
                            -- are written as functions no index matches, and the ward's matches
                            -- come from core.ix_post__ward_terms alone (never intersected with
                            -- the city's in the (city, search_vector) index)
                            else core.ward_terms(p.city, p.search_vector) @> v_keys
                                 and texteq(p.city, v_ward) and ts_match_vq(p.search_vector, v_tsq) end
                   and p.created_at >= v_lo and p.created_at < p_now
                 order by rank desc, p.created_at desc, p.post_id
                 limit v_lim
            )
            select h.post_id, h.created_at, h.city, a.name, h.party, h.emotion, h.rank,
                   ts_headline('english', h.text, v_tsq, 'MaxWords=30, MinWords=10, MaxFragments=2')
              from hits h left join core.author a on a.author_id = h.author_id
             order by h.rank desc, h.created_at desc, h.post_id;
    end if;
end
$$;
comment on function analytics.search_posts(text, text, integer, integer, timestamptz) is
    'Full-text search over posts (english stemming, web-search syntax: "quoted phrase", or, -not): '
    'the p_limit (max 1000) best matches by ts_rank_cd, newest first among equals, optionally only '
    'in ward p_ward and only in [p_now - p_days days, p_now), with a highlighted snippet. With a '
    'ward, only that ward''s matches are read: from core.ix_post__ward_terms when the query has a '
    'lexeme every match holds (core.ward_query_terms; not for an OR or a negated phrase alone), '
    'else from the GIN index on core.post (city, search_vector). Snippets are built for the '
    'returned rows only.';

commit;
