-- Deploy lokdarpan:analytics/ward_api to pg
-- requires: analytics/ward_window
-- requires: core/ward
-- requires: core/post
-- The ward functions application teams call, with the seeds' names and result columns and
-- fixed behaviour: every parameter changes the result, an unknown ward raises with the nearest
-- names, a known ward with no posts gives zeros, no division by zero for any window, and a
-- "now" parameter (default now()) makes every answer reproducible.
-- get_ward_sentiment_timeline reads whole days from the day rollups (~30 rows instead of ~720
-- hours). search_posts is planned for each call (plan_cache_mode = force_custom_plan): from the
-- sixth call a cached generic plan, blind to the ward and the query, read the whole ward
-- through (city, created_at) instead of the GIN index on (city, search_vector) (~30 ms ->
-- ~300 ms at 10,000,000 posts, measured); with a ward, that index intersects the ward's entry
-- with the query's terms.

begin;

create function analytics.get_ward_intelligence_fast(p_ward text, p_days integer default 30,
                                                     p_now timestamptz default now())
returns table (ward_name text, total_posts bigint, posts_24h bigint, posts_7d bigint, unique_authors bigint,
               parties_mentioned bigint, sentiment_positive bigint, sentiment_negative bigint,
               activity_score numeric, party_breakdown jsonb)
language plpgsql
stable
set search_path = pg_catalog, analytics, core
as $$
declare
    v_ward  text := core.resolve_ward(p_ward);
    v_days  integer := analytics.check_days(p_days);
    v_win   analytics.window_stat;
    v_24h   analytics.window_stat;
    v_7d    analytics.window_stat;
begin
    v_win := analytics.ward_window(v_ward, p_now - make_interval(days => v_days), p_now);
    v_24h := analytics.ward_window(v_ward, p_now - interval '24 hours', p_now, false);
    v_7d := analytics.ward_window(v_ward, p_now - interval '7 days', p_now, false);
    return query
    select v_ward, v_win.posts, v_24h.posts, v_7d.posts, v_win.authors,
           (select count(*) from jsonb_object_keys(v_win.parties)),
           v_win.positive, v_win.negative,
           round(v_win.posts::numeric / v_days, 2),
           coalesce((select jsonb_object_agg(k, (v_win.parties -> k ->> 'm')::bigint order by k)
                       from jsonb_object_keys(v_win.parties) k), '{}'::jsonb);
end
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
language plpgsql
stable
set search_path = pg_catalog, analytics, core
as $$
#variable_conflict use_column
declare
    v_ward    text := core.resolve_ward(p_ward);
    v_days    integer := analytics.check_days(p_days);
    v_rdays   integer := least(analytics.check_days(p_days), 7);
    v_total   jsonb;
    v_recent  jsonb;
begin
    v_total := (analytics.ward_window(v_ward, p_now - make_interval(days => v_days), p_now, true, false)).parties;
    v_recent := (analytics.ward_window(v_ward, p_now - make_interval(days => v_rdays), p_now, true, false)).parties;
    return query
    with rows as (
        select k as p, (v_total -> k ->> 'm')::bigint as m, (v_total -> k ->> 's')::bigint as s,
               (v_total -> k ->> 'n')::bigint as n, coalesce((v_recent -> k ->> 'm')::bigint, 0) as rm
          from jsonb_object_keys(v_total) k
    )
    select r.p, r.m,
           round(100.0 * r.m / nullif(sum(r.m) over (), 0), 2),
           round(r.s::numeric / nullif(r.n, 0), 3),
           case when v_days > v_rdays and r.m - r.rm > 0 then
               round((r.rm::numeric / v_rdays) / ((r.m - r.rm)::numeric / (v_days - v_rdays)) - 1, 3)
           end
      from rows r
     order by r.m desc, r.p;
end
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
language plpgsql
stable
set search_path = pg_catalog, analytics, core
set plan_cache_mode = force_generic_plan
as $$
declare
    v_ward     text := core.resolve_ward(p_ward);
    v_days     integer := analytics.check_days(p_days);
    v_last     date := analytics.ist_day(p_now);
    v_today    timestamptz;
    v_full_hi  timestamptz := analytics.bucket_start(p_now);
begin
    -- days before the current one from the day rollups; the current day from its hours (IST
    -- midnight is an hour boundary) and the posts of the current partial hour
    v_today := analytics.ist_day_start(v_last);
    return query
    with per_day as (
        select h.d, sum(h.posts) as n, sum(h.positive) as pos, sum(h.negative) as neg, sum(h.neutral) as neu,
               sum(h.mixed) as mix, sum(h.unknown) as unk, sum(h.sentiment_sum) as s, sum(h.sentiment_n) as sn
          from (select y.day as d, y.posts, y.positive, y.negative, y.neutral, y.mixed, y.unknown, y.sentiment_sum,
                       y.sentiment_n
                  from analytics.ward_day y
                 where y.ward_name = v_ward and y.day >= v_last - (v_days - 1) and y.day < v_last
                union all
                select v_last, x.posts, x.positive, x.negative, x.neutral, x.mixed, x.unknown, x.sentiment_sum,
                       x.sentiment_n
                  from analytics.ward_hour x
                 where x.ward_name = v_ward and x.bucket >= v_today and x.bucket < v_full_hi
                union all
                select v_last, 1, (p.emotion = 'positive')::int, (p.emotion = 'negative')::int,
                       (p.emotion = 'neutral')::int, (p.emotion = 'mixed')::int, (p.emotion = 'unknown')::int,
                       coalesce(m.sentiment_score, 0), (m.sentiment_score is not null)::int
                  from core.post p join core.emotion m on m.emotion = p.emotion
                 where p.city = v_ward and p.created_at >= v_full_hi and p.created_at < p_now) h
         group by 1
    )
    select g.d::date, coalesce(pd.n, 0)::bigint, coalesce(pd.pos, 0)::bigint, coalesce(pd.neg, 0)::bigint,
           coalesce(pd.neu, 0)::bigint, coalesce(pd.mix, 0)::bigint, coalesce(pd.unk, 0)::bigint,
           round(pd.s::numeric / nullif(pd.sn, 0), 3)
      from generate_series(v_last - (v_days - 1), v_last, interval '1 day') g(d)
      left join per_day pd on pd.d = g.d::date
     order by 1;
end
$$;
comment on function analytics.get_ward_sentiment_timeline(text, integer, timestamptz) is
    'One row per Hyderabad (IST) calendar day for the p_days days ending with the day of p_now '
    '(oldest first, days without posts included as zeros): post counts per emotion and '
    'avg_sentiment (-1..1 over scored posts, NULL when none). The current day counts posts '
    'before p_now. Earlier days from the day rollups, the current day from its hour rollups and '
    'the posts of the current partial hour.';

create function analytics.search_posts(p_query text, p_ward text default null,
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
                 where p.city = v_ward and p.search_vector @@ v_tsq
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
    'in ward p_ward and only in [p_now - p_days days, p_now), with a highlighted snippet. Uses the '
    'GIN index on core.post (city, search_vector): with a ward, only that ward''s matches are read; '
    'snippets are built for the returned rows only.';

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
