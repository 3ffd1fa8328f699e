-- Revert lokdarpan:analytics/timeline_days from pg
-- The timeline summing hour rollups again (analytics/ward_api's body, verbatim).

begin;

create or replace function analytics.get_ward_sentiment_timeline(p_ward text, p_days integer default 30,
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
    v_lo       timestamptz;
    v_full_hi  timestamptz := analytics.bucket_start(p_now);
begin
    -- IST midnight of the first day (an hour boundary, so there is no partial hour at the start)
    v_lo := ((v_last - (v_days - 1))::timestamp at time zone 'UTC') - interval '5 hours 30 minutes';
    return query
    with per_day as (
        select analytics.ist_day(h.bucket) as d, sum(h.posts) as n, sum(h.positive) as pos,
               sum(h.negative) as neg, sum(h.neutral) as neu, sum(h.mixed) as mix, sum(h.unknown) as unk,
               sum(h.sentiment_sum) as s, sum(h.sentiment_n) as sn
          from (select x.bucket, x.posts, x.positive, x.negative, x.neutral, x.mixed, x.unknown, x.sentiment_sum,
                       x.sentiment_n
                  from analytics.ward_hour x
                 where x.ward_name = v_ward and x.bucket >= v_lo and x.bucket < v_full_hi
                union all
                select p.created_at, 1, (p.emotion = 'positive')::int, (p.emotion = 'negative')::int,
                       (p.emotion = 'neutral')::int, (p.emotion = 'mixed')::int, (p.emotion = 'unknown')::int,
                       coalesce(m.sentiment_score, 0), (m.sentiment_score is not null)::int
                  from core.post p join core.emotion m on m.emotion = p.emotion
                 where p.city = v_ward and p.created_at >= greatest(v_full_hi, v_lo) and p.created_at < p_now) h
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
    'before p_now. One range scan of the rollups plus the posts of the current partial hour.';

commit;
