-- Deploy lokdarpan:analytics/dashboard to pg
-- requires: analytics/ward_api
-- requires: analytics/ward_author
-- The seeds' dashboards as materialized views built from the hour rollups (so a refresh costs
-- seconds, not a scan of every post; distinct authors from analytics.window_authors), each with
-- a unique index covering every row so refresh_ward_analytics() can refresh them CONCURRENTLY
-- (the seed's never could); plus ward_performance_metrics(), which measures what it reports.

begin;

create materialized view analytics.ward_analytics_summary as
with recent as (
    select h.ward_name, h.bucket, h.posts, h.positive, h.negative, h.sentiment_sum, h.sentiment_n
      from analytics.ward_hour h where h.bucket >= now() - interval '30 days'
), per_ward as (
    select r.ward_name, sum(r.posts) as posts_30d,
           sum(r.posts) filter (where r.bucket >= now() - interval '7 days') as posts_7d,
           sum(r.positive) as positive_30d, sum(r.negative) as negative_30d,
           sum(r.sentiment_sum) as sentiment_sum, sum(r.sentiment_n) as sentiment_n,
           max(r.bucket) as last_active_hour
      from recent r group by r.ward_name
), top_party as (
    select distinct on (x.ward_name) x.ward_name, x.party, sum(x.mentions) as mentions
      from analytics.ward_hour_party x
     where x.bucket >= now() - interval '30 days'
     group by x.ward_name, x.party
     order by x.ward_name, sum(x.mentions) desc, x.party
), first_hour as (
    -- the first whole IST hour of the 30 days, as in recent
    select case when analytics.bucket_start(now() - interval '30 days') = now() - interval '30 days'
                then now() - interval '30 days'
                else analytics.bucket_start(now() - interval '30 days') + interval '1 hour' end as lo
)
select w.ward_name, w.ward_no,
       coalesce(p.posts_30d, 0)::bigint as posts_30d,
       coalesce(p.posts_7d, 0)::bigint as posts_7d,
       case when p.ward_name is null then 0
            else analytics.window_authors(w.ward_name, f.lo, 'infinity') end as unique_authors_30d,
       coalesce(p.positive_30d, 0)::bigint as positive_30d,
       coalesce(p.negative_30d, 0)::bigint as negative_30d,
       round(p.sentiment_sum::numeric / nullif(p.sentiment_n, 0), 3) as avg_sentiment_30d,
       t.party as top_party_30d,
       p.last_active_hour,
       now() as refreshed_at
  from core.ward w
  cross join first_hour f
  left join per_ward p on p.ward_name = w.ward_name
  left join top_party t on t.ward_name = w.ward_name;
create unique index uq_ward_analytics_summary__ward_name on analytics.ward_analytics_summary (ward_name);
comment on materialized view analytics.ward_analytics_summary is
    'One row per ward (all 145, zeros when quiet): posts, distinct authors, sentiment and top party '
    'over the 30 days before the last refresh (whole IST hours). Refresh: refresh_ward_analytics().';

create materialized view analytics.daily_ward_trends as
select h.ward_name, analytics.ist_day(h.bucket) as day,
       sum(h.posts)::bigint as posts, sum(h.positive)::bigint as positive,
       sum(h.negative)::bigint as negative, sum(h.neutral)::bigint as neutral,
       round(sum(h.sentiment_sum)::numeric / nullif(sum(h.sentiment_n), 0), 3) as avg_sentiment
  from analytics.ward_hour h
 where h.bucket >= now() - interval '90 days'
 group by h.ward_name, analytics.ist_day(h.bucket);
create unique index uq_daily_ward_trends__ward_name__day on analytics.daily_ward_trends (ward_name, day);
comment on materialized view analytics.daily_ward_trends is
    'Posts and sentiment per ward per IST day over the 90 days before the last refresh (days with '
    'posts only). Refresh: refresh_ward_analytics().';

create function analytics.refresh_ward_analytics(p_concurrently boolean default true)
returns table (view_name text, row_count bigint, duration_ms numeric, mode text)
language plpgsql
volatile
set search_path = pg_catalog, analytics
as $$
declare
    v_view  text;
    v_start timestamptz;
    v_mode  text;
    v_rows  bigint;
begin
    foreach v_view in array array['ward_analytics_summary', 'daily_ward_trends'] loop
        v_start := clock_timestamp();
        if p_concurrently and (select m.ispopulated from pg_matviews m
                                where m.schemaname = 'analytics' and m.matviewname = v_view) then
            execute format('refresh materialized view concurrently analytics.%I', v_view);
            v_mode := 'concurrently';
        else
            execute format('refresh materialized view analytics.%I', v_view);
            v_mode := 'blocking';
        end if;
        execute format('select count(*) from analytics.%I', v_view) into v_rows;
        return query select v_view, v_rows,
                            round(extract(epoch from clock_timestamp() - v_start) * 1000, 3), v_mode;
    end loop;
end
$$;
comment on function analytics.refresh_ward_analytics(boolean) is
    'Refreshes ward_analytics_summary and daily_ward_trends (CONCURRENTLY by default: readers are '
    'never blocked; plain refresh when p_concurrently is false or a view is not populated). Returns '
    'one row per view: its row count, the refresh time in ms and the mode used.';

create function analytics.ward_performance_metrics(p_ward text default null, p_now timestamptz default now())
returns table (metric_name text, metric_value numeric, target_value numeric, status text)
language plpgsql
volatile
set search_path = pg_catalog, analytics, core
as $$
declare
    v_ward   text;
    v_t0     timestamptz;
    v_ms     numeric[];
    v_fn     text;
    v_i      integer;
    v_median numeric;
    v_target numeric;
begin
    v_ward := coalesce(case when p_ward is not null then core.resolve_ward(p_ward) end,
                       (select h.ward_name from analytics.ward_hour h
                         where h.bucket >= p_now - interval '30 days' and h.bucket < p_now
                         group by h.ward_name order by sum(h.posts) desc, h.ward_name limit 1),
                       'Jubilee Hills');
    foreach v_fn in array array['get_ward_intelligence_fast', 'get_ward_competitive_analysis',
                                'get_ward_sentiment_timeline', 'search_posts'] loop
        v_ms := '{}';
        for v_i in 1..5 loop
            v_t0 := clock_timestamp();
            if v_fn = 'search_posts' then
                perform count(*) from analytics.search_posts('water', v_ward, 20, 30, p_now);
            else
                execute format('select count(*) from analytics.%I($1, 30, $2)', v_fn) using v_ward, p_now;
            end if;
            -- fractional milliseconds, end minus start (the seed rounded to whole seconds and
            -- subtracted the wrong way round)
            v_ms := v_ms || (extract(epoch from clock_timestamp() - v_t0) * 1000)::numeric;
        end loop;
        select percentile_cont(0.5) within group (order by m) into v_median from unnest(v_ms) m;
        v_target := case v_fn when 'search_posts' then 50 else 5 end;
        return query select v_fn || '_ms_median', round(v_median, 3), v_target,
                            case when v_median is null then 'NO DATA'
                                 when v_median <= v_target then 'OK' else 'SLOW' end;
    end loop;
    return query
        select 'posts_last_24h'::text, coalesce(sum(h.posts), 0)::numeric, null::numeric, 'INFO'::text
          from analytics.ward_hour h where h.bucket >= p_now - interval '24 hours' and h.bucket < p_now;
    return query
        select 'default_partition_rows'::text, count(*)::numeric, 0::numeric,
               case when count(*) = 0 then 'OK' else 'WARN' end
          from core.post_default;
    return query
        select 'ward_analytics_summary_age_minutes'::text,
               round(extract(epoch from p_now - max(s.refreshed_at)) / 60, 1), 1440::numeric,
               case when max(s.refreshed_at) is null then 'NO DATA'
                    when p_now - max(s.refreshed_at) <= interval '1 day' then 'OK' else 'STALE' end
          from analytics.ward_analytics_summary s;
end
$$;
comment on function analytics.ward_performance_metrics(text, timestamptz) is
    'Measures the ward API on ward p_ward (default: the busiest ward of the last 30 days): median '
    'of 5 calls in ms (fractional, end minus start) against the targets (5 ms, search 50 ms), '
    'status OK/SLOW/NO DATA; plus posts in the last 24 h, rows in the default post partition '
    '(target 0) and the age of ward_analytics_summary. VOLATILE because it reads the clock.';

commit;
