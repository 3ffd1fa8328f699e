-- Revert lokdarpan:analytics/window_authors from pg
-- ward_window and ward_analytics_summary count authors from the rollups' author sets again (as
-- analytics/ward_author_day and analytics/dashboard wrote them, verbatim); window_authors goes.

begin;

select audit.unprotect_ward_matview('analytics.ward_analytics_summary_by_ward'::regclass);
drop materialized view analytics.ward_analytics_summary;
create materialized view analytics.ward_analytics_summary as
with recent as (
    select h.* from analytics.ward_hour h where h.bucket >= now() - interval '30 days'
), per_ward as (
    select r.ward_name, sum(r.posts) as posts_30d,
           sum(r.posts) filter (where r.bucket >= now() - interval '7 days') as posts_7d,
           sum(r.positive) as positive_30d, sum(r.negative) as negative_30d,
           sum(r.sentiment_sum) as sentiment_sum, sum(r.sentiment_n) as sentiment_n,
           max(r.bucket) as last_active_hour
      from recent r group by r.ward_name
), authors as (
    select r.ward_name, count(distinct a) as authors_30d
      from recent r, unnest(r.author_ids) a group by r.ward_name
), top_party as (
    select distinct on (x.ward_name) x.ward_name, x.party, sum(x.mentions) as mentions
      from analytics.ward_hour_party x
     where x.bucket >= now() - interval '30 days'
     group by x.ward_name, x.party
     order by x.ward_name, sum(x.mentions) desc, x.party
)
select w.ward_name, w.ward_no,
       coalesce(p.posts_30d, 0)::bigint as posts_30d,
       coalesce(p.posts_7d, 0)::bigint as posts_7d,
       coalesce(a.authors_30d, 0)::bigint as unique_authors_30d,
       coalesce(p.positive_30d, 0)::bigint as positive_30d,
       coalesce(p.negative_30d, 0)::bigint as negative_30d,
       round(p.sentiment_sum::numeric / nullif(p.sentiment_n, 0), 3) as avg_sentiment_30d,
       t.party as top_party_30d,
       p.last_active_hour,
       now() as refreshed_at
  from core.ward w
  left join per_ward p on p.ward_name = w.ward_name
  left join authors a on a.ward_name = w.ward_name
  left join top_party t on t.ward_name = w.ward_name;
create unique index uq_ward_analytics_summary__ward_name on analytics.ward_analytics_summary (ward_name);
comment on materialized view analytics.ward_analytics_summary is
    'One row per ward (all 145, zeros when quiet): posts, distinct authors, sentiment and top party '
    'over the 30 days before the last refresh (whole IST hours). Refresh: refresh_ward_analytics().';
select audit.protect_ward_matview('analytics.ward_analytics_summary'::regclass, 'ward_name');
grant select on analytics.ward_analytics_summary to lokdarpan_app;

create or replace function analytics.ward_window(p_ward text, p_lo timestamptz, p_hi timestamptz,
                                                  p_detail boolean default true, p_authors boolean default true)
returns analytics.window_stat
language plpgsql
stable
parallel safe
set search_path = pg_catalog, analytics, core
set plan_cache_mode = force_generic_plan
as $$
declare
    v_hi       timestamptz := greatest(p_lo, p_hi);
    v_full_lo  timestamptz := date_bin('1 hour', p_lo, timestamptz '2000-01-01 00:30:00+00');
    v_full_hi  timestamptz := date_bin('1 hour', greatest(p_lo, p_hi), timestamptz '2000-01-01 00:30:00+00');
    v_day_lo   timestamptz;
    v_day_hi   timestamptz;
    v_d_lo     date;
    v_d_hi     date;
    v_first    date;
    v_r        analytics.window_stat;
    v_e        analytics.window_stat;
begin
    -- [p_lo, v_full_lo) and [v_full_hi, v_hi): posts; [v_full_lo, v_day_lo) and
    -- [v_day_hi, v_full_hi): hour rollups; [v_day_lo, v_day_hi): day rollups
    if v_full_lo < p_lo then
        v_full_lo := v_full_lo + interval '1 hour';
    end if;
    if v_full_lo >= v_full_hi then  -- no whole hour inside: the window is all edge
        v_full_lo := v_hi;
        v_full_hi := v_hi;
    end if;
    v_day_lo := date_bin('1 day', v_full_lo, timestamptz '2000-01-01 18:30:00+00');  -- IST midnights
    if v_day_lo < v_full_lo then
        v_day_lo := v_day_lo + interval '1 day';
    end if;
    v_day_hi := date_bin('1 day', v_full_hi, timestamptz '2000-01-01 18:30:00+00');
    if v_day_lo >= v_day_hi then  -- no whole day inside: hours only
        v_day_lo := v_full_hi;
        v_day_hi := v_full_hi;
    end if;
    v_d_lo := ((v_day_lo + interval '5 hours 30 minutes') at time zone 'UTC')::date;
    v_d_hi := case when v_day_hi > v_day_lo then ((v_day_hi + interval '5 hours 30 minutes') at time zone 'UTC')::date else v_d_lo end;
    select coalesce(sum(x.posts), 0), coalesce(sum(x.positive), 0), coalesce(sum(x.negative), 0),
           coalesce(sum(x.neutral), 0), coalesce(sum(x.mixed), 0), coalesce(sum(x.unknown), 0),
           coalesce(sum(x.sentiment_sum), 0), coalesce(sum(x.sentiment_n), 0)
      into v_r.posts, v_r.positive, v_r.negative, v_r.neutral, v_r.mixed, v_r.unknown,
           v_r.sentiment_sum, v_r.sentiment_n
      from (select d.posts, d.positive, d.negative, d.neutral, d.mixed, d.unknown, d.sentiment_sum, d.sentiment_n
              from analytics.ward_day d
             where d.ward_name = p_ward and d.day >= v_d_lo and d.day < v_d_hi
            union all
            select h.posts, h.positive, h.negative, h.neutral, h.mixed, h.unknown, h.sentiment_sum, h.sentiment_n
              from analytics.ward_hour h
             where h.ward_name = p_ward and h.bucket >= v_full_lo and h.bucket < v_day_lo
            union all
            select h.posts, h.positive, h.negative, h.neutral, h.mixed, h.unknown, h.sentiment_sum, h.sentiment_n
              from analytics.ward_hour h
             where h.ward_name = p_ward and h.bucket >= v_day_hi and h.bucket < v_full_hi) x;
    select count(*), count(*) filter (where e.emotion = 'positive'), count(*) filter (where e.emotion = 'negative'),
           count(*) filter (where e.emotion = 'neutral'), count(*) filter (where e.emotion = 'mixed'),
           count(*) filter (where e.emotion = 'unknown'), coalesce(sum(m.sentiment_score), 0), count(m.sentiment_score)
      into v_e.posts, v_e.positive, v_e.negative, v_e.neutral, v_e.mixed, v_e.unknown, v_e.sentiment_sum,
           v_e.sentiment_n
      from (select p.emotion from core.post p
             where p.city = p_ward and p.created_at >= p_lo and p.created_at < v_full_lo
            union all
            select p.emotion from core.post p
             where p.city = p_ward and p.created_at >= v_full_hi and p.created_at < v_hi) e
      join core.emotion m on m.emotion = e.emotion;
    v_r.posts := v_r.posts + v_e.posts;
    v_r.positive := v_r.positive + v_e.positive;
    v_r.negative := v_r.negative + v_e.negative;
    v_r.neutral := v_r.neutral + v_e.neutral;
    v_r.mixed := v_r.mixed + v_e.mixed;
    v_r.unknown := v_r.unknown + v_e.unknown;
    v_r.sentiment_sum := v_r.sentiment_sum + v_e.sentiment_sum;
    v_r.sentiment_n := v_r.sentiment_n + v_e.sentiment_n;
    if not p_detail then
        return v_r;
    end if;
    if p_authors and not exists (select 1 from core.post p where p.city = p_ward and p.created_at >= v_hi) then
        -- nobody posted in this ward at or after the window's end: an author posted inside the
        -- window exactly when their last post here is at or after its start: the whole IST days
        -- after p_lo's from the day histogram, the rest of p_lo's day from ward_author itself
        v_first := ((p_lo + interval '5 hours 30 minutes') at time zone 'UTC')::date;
        select coalesce((select sum(d.authors) from analytics.ward_author_day d
                          where d.ward_name = p_ward and d.day > v_first), 0)
             + (select count(*) from analytics.ward_author w
                 where w.ward_name = p_ward and w.last_post_at >= p_lo
                   and w.last_post_at < ((v_first + 1)::timestamp - interval '5 hours 30 minutes') at time zone 'UTC')
          into v_r.authors;
    elsif p_authors then
    select count(distinct a.a) into v_r.authors
      from (select unnest(d.author_ids) as a from analytics.ward_day d
             where d.ward_name = p_ward and d.day >= v_d_lo and d.day < v_d_hi
            union all
            select unnest(h.author_ids) from analytics.ward_hour h
             where h.ward_name = p_ward and h.bucket >= v_full_lo and h.bucket < v_day_lo
            union all
            select unnest(h.author_ids) from analytics.ward_hour h
             where h.ward_name = p_ward and h.bucket >= v_day_hi and h.bucket < v_full_hi
            union all
            select p.author_id from core.post p
             where p.city = p_ward and p.created_at >= p_lo and p.created_at < v_full_lo
            union all
            select p.author_id from core.post p
             where p.city = p_ward and p.created_at >= v_full_hi and p.created_at < v_hi) a;
    end if;
    select coalesce(jsonb_object_agg(t.party, jsonb_build_object('m', t.m, 's', t.s, 'n', t.n)), '{}')
      into v_r.parties
      from (select x.party, sum(x.m) as m, sum(x.s) as s, sum(x.n) as n
              from (select d.party, d.mentions::bigint as m, d.sentiment_sum::bigint as s, d.sentiment_n::bigint as n
                      from analytics.ward_day_party d
                     where d.ward_name = p_ward and d.day >= v_d_lo and d.day < v_d_hi
                    union all
                    select h.party, h.mentions, h.sentiment_sum, h.sentiment_n
                      from analytics.ward_hour_party h
                     where h.ward_name = p_ward and h.bucket >= v_full_lo and h.bucket < v_day_lo
                    union all
                    select h.party, h.mentions, h.sentiment_sum, h.sentiment_n
                      from analytics.ward_hour_party h
                     where h.ward_name = p_ward and h.bucket >= v_day_hi and h.bucket < v_full_hi
                    union all
                    select g.party, 1, coalesce(m.sentiment_score, 0), (m.sentiment_score is not null)::int
                      from (select p.party, p.emotion from core.post p
                             where p.city = p_ward and p.party is not null
                               and p.created_at >= p_lo and p.created_at < v_full_lo
                            union all
                            select p.party, p.emotion from core.post p
                             where p.city = p_ward and p.party is not null
                               and p.created_at >= v_full_hi and p.created_at < v_hi) g
                      join core.emotion m on m.emotion = g.emotion) x
             group by x.party) t;
    return v_r;
end
$$;
comment on function analytics.ward_window(text, timestamptz, timestamptz, boolean, boolean) is
    'Exact statistics (analytics.window_stat) of ward p_ward (canonical name) for posts with '
    'created_at in [p_lo, p_hi): whole IST days from the day rollups, whole IST hours at both '
    'ends from the hour rollups, partial hours at both edges from core.post (index range scans on '
    'ward + time, partitions pruned). With p_detail false only the counts are computed (authors '
    'and parties left NULL); with p_authors false the distinct authors are skipped (NULL). Cost: '
    'about 30 day rows and up to 46 hour rows for a 30-day window (times the parties for the '
    'breakdown); distinct authors, when no post of the ward is at or after p_hi (a window ending '
    'now), from analytics.ward_author_day (whole IST days) and analytics.ward_author (the rest of '
    'p_lo''s day), else from the author sets of the rollups.';

drop function analytics.window_authors(text, timestamptz, timestamptz);

commit;
