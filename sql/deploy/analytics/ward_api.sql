-- Deploy lokdarpan:analytics/ward_api to pg
-- requires: analytics/ward_window
-- requires: core/ward
-- The ward functions application teams call, with the seeds' names and result columns and
-- fixed behaviour: every parameter changes the result, an unknown ward raises with the nearest
-- names, a known ward with no posts gives zeros, no division by zero for any window, and a
-- "now" parameter (default now()) makes every answer reproducible.

begin;

create function analytics.get_ward_intelligence_fast(p_ward text, p_days integer default 30,
                                                     p_now timestamptz default now())
returns table (ward_name text, total_posts bigint, posts_24h bigint, posts_7d bigint, unique_authors bigint,
               parties_mentioned bigint, sentiment_positive bigint, sentiment_negative bigint,
               activity_score numeric, party_breakdown jsonb)
language sql
stable
set search_path = pg_catalog, analytics, core
as $$
    with w as (
        select core.resolve_ward(p_ward) as ward, analytics.check_days(p_days) as days
    ), s as (
        select w.ward, w.days,
               analytics.ward_window(w.ward, p_now - make_interval(days => w.days), p_now) as win,
               (analytics.ward_window(w.ward, p_now - interval '24 hours', p_now)).posts as p24,
               (analytics.ward_window(w.ward, p_now - interval '7 days', p_now)).posts as p7
          from w
    )
    select s.ward, (s.win).posts, s.p24, s.p7, (s.win).authors,
           (select count(*) from jsonb_object_keys((s.win).parties)),
           (s.win).positive, (s.win).negative,
           round((s.win).posts::numeric / s.days, 2),
           coalesce((select jsonb_object_agg(k, ((s.win).parties -> k ->> 'm')::bigint order by k)
                       from jsonb_object_keys((s.win).parties) k), '{}'::jsonb)
      from s
$$;
comment on function analytics.get_ward_intelligence_fast(text, integer, timestamptz) is
    'Ward overview for posts with created_at in [p_now - p_days days, p_now): total_posts, '
    'posts_24h and posts_7d (last 24 h / 7 days before p_now, independent of p_days), '
    'unique_authors (exact), parties_mentioned (distinct parties), sentiment_positive/negative '
    '(post counts), activity_score (= average posts per day over the window), party_breakdown '
    '({"party": posts mentioning it}). p_ward is matched ignoring case and spaces; an unknown ward '
    'raises P0002 with the nearest names. The seed ignored p_days; here it bounds the window. '
    'Reads rollups: about 1 ms per call.';

create function analytics.get_ward_competitive_analysis(p_ward text, p_days integer default 30,
                                                        p_now timestamptz default now())
returns table (party text, mention_count bigint, mention_share numeric, avg_sentiment numeric,
               recent_trend numeric)
language sql
stable
set search_path = pg_catalog, analytics, core
as $$
    with w as (
        select core.resolve_ward(p_ward) as ward, analytics.check_days(p_days) as days
    ), parts as (
        select w.days, least(w.days, 7) as recent_days,
               (analytics.ward_window(w.ward, p_now - make_interval(days => w.days), p_now)).parties as total,
               (analytics.ward_window(w.ward, p_now - make_interval(days => least(w.days, 7)), p_now)).parties as recent
          from w
    ), rows as (
        select k as party,
               (p.total -> k ->> 'm')::bigint as m,
               (p.total -> k ->> 's')::bigint as s,
               (p.total -> k ->> 'n')::bigint as n,
               coalesce((p.recent -> k ->> 'm')::bigint, 0) as recent_m,
               p.days, p.recent_days
          from parts p, jsonb_object_keys(p.total) k
    )
    select r.party, r.m,
           round(100.0 * r.m / nullif(sum(r.m) over (), 0), 2),
           round(r.s::numeric / nullif(r.n, 0), 3),
           case when r.days > r.recent_days and r.m - r.recent_m > 0 then
               round((r.recent_m::numeric / r.recent_days)
                     / ((r.m - r.recent_m)::numeric / (r.days - r.recent_days)) - 1, 3)
           end
      from rows r
     order by r.m desc, r.party
$$;
comment on function analytics.get_ward_competitive_analysis(text, integer, timestamptz) is
    'Parties mentioned in the ward''s posts in [p_now - p_days days, p_now), most mentioned first: '
    'mention_count (posts), mention_share (% of all party mentions in the window, 2 decimals), '
    'avg_sentiment (mean post sentiment -1..1 over scored posts, NULL if none), recent_trend '
    '(daily mention rate in the last min(7, p_days) days divided by the rate in the earlier part of '
    'the window, minus 1: 0.5 = +50%; NULL when p_days <= 7 or the earlier part has no mention — '
    'never a division by zero). About 1 ms per call.';

create function analytics.get_ward_sentiment_timeline(p_ward text, p_days integer default 30,
                                                      p_now timestamptz default now())
returns table (day date, total_posts bigint, positive bigint, negative bigint, neutral bigint, mixed bigint,
               unknown bigint, avg_sentiment numeric)
language sql
stable
set search_path = pg_catalog, analytics, core
as $$
    with w as (
        select core.resolve_ward(p_ward) as ward, analytics.check_days(p_days) as days,
               analytics.ist_day(p_now) as last_day
    ), days as (
        select (w.last_day - g)::date as day, w.ward
          from w, generate_series(w.days - 1, 0, -1) g
    ), stats as (
        select d.day,
               analytics.ward_window(d.ward,
                   (d.day::timestamp at time zone 'UTC') - interval '5 hours 30 minutes',
                   least(((d.day + 1)::timestamp at time zone 'UTC') - interval '5 hours 30 minutes', p_now)) as s
          from days d
    )
    select st.day, (st.s).posts, (st.s).positive, (st.s).negative, (st.s).neutral, (st.s).mixed,
           (st.s).unknown, round((st.s).sentiment_sum::numeric / nullif((st.s).sentiment_n, 0), 3)
      from stats st
     order by st.day
$$;
comment on function analytics.get_ward_sentiment_timeline(text, integer, timestamptz) is
    'One row per Hyderabad (IST) calendar day for the p_days days ending with the day of p_now '
    '(oldest first, days without posts included as zeros): post counts per emotion and '
    'avg_sentiment (-1..1 over scored posts, NULL when none). The current day counts posts '
    'before p_now. About 0.1 ms per day.';

create function analytics.search_posts(p_query text, p_ward text default null, p_limit integer default 20,
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

create function analytics.find_ward(p_name text, p_limit integer default 5)
returns table (ward_name text, ward_no smallint, similarity real)
language sql
stable
set search_path = pg_catalog, analytics, core, extensions
as $$
    select w.ward_name, w.ward_no, extensions.similarity(lower(w.ward_name), lower(btrim(p_name)))
      from core.ward w
     order by lower(w.ward_name) operator(extensions.<->) lower(btrim(p_name)), w.ward_name
     limit greatest(coalesce(p_limit, 5), 0)
$$;
comment on function analytics.find_ward(text, integer) is
    'Fuzzy ward-name lookup with pg_trgm: the p_limit wards nearest to p_name by trigram distance '
    '(''jubilee hils'' finds Jubilee Hills first), with their trigram similarity 0..1.';

commit;
