-- Revert lokdarpan:analytics/search_by_ward from pg
-- Back to the search-vector-only GIN index and the single-statement SQL search_posts.

begin;

create index ix_post__search_vector on core.post using gin (search_vector);
drop index core.ix_post__city__search_vector;

create or replace function analytics.search_posts(p_query text, p_ward text default null, p_limit integer default 20,
                                       p_days integer default null, p_now timestamptz default now())
returns table (post_id bigint, created_at timestamptz, ward_name text, author text, party text, emotion text,
               rank real, snippet text)
language sql
stable
set search_path = pg_catalog, analytics, core
as $$
    with q as (
        select websearch_to_tsquery('english', coalesce(p_query, '')) as tsq,
               case when p_ward is null then null else core.resolve_ward(p_ward) end as ward,
               case when p_days is null then timestamptz '-infinity'
                    else p_now - make_interval(days => analytics.check_days(p_days)) end as lo,
               greatest(least(coalesce(p_limit, 20), 1000), 0) as lim
    ), hits as (
        select p.post_id, p.created_at, p.city, p.author_id, p.party, p.emotion, p.text,
               ts_rank_cd(p.search_vector, q.tsq) as rank, q.tsq
          from q, core.post p
         where p.search_vector @@ q.tsq
           and (q.ward is null or p.city = q.ward)
           and p.created_at >= q.lo and p.created_at < p_now
         order by rank desc, p.created_at desc, p.post_id
         limit (select lim from q)
    )
    select h.post_id, h.created_at, h.city, a.name, h.party, h.emotion, h.rank,
           ts_headline('english', h.text, h.tsq, 'MaxWords=30, MinWords=10, MaxFragments=2')
      from hits h left join core.author a on a.author_id = h.author_id
     order by h.rank desc, h.created_at desc, h.post_id
$$;
comment on function analytics.search_posts(text, text, integer, integer, timestamptz) is
    'Full-text search over posts (english stemming, web-search syntax: "quoted phrase", or, -not): '
    'the p_limit (max 1000) best matches by ts_rank_cd, newest first among equals, optionally only '
    'in ward p_ward and only in [p_now - p_days days, p_now), with a highlighted snippet. Uses the '
    'GIN index on core.post.search_vector; snippets are built for the returned rows only.';

commit;
