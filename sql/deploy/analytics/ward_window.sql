-- Deploy lokdarpan:analytics/ward_window to pg
-- requires: analytics/rollup
-- requires: analytics/ward_author
-- The one mechanism every ward function reads through: the statistics of a ward over an
-- arbitrary time window [lo, hi), exact: whole IST days from the day rollups, whole hours at
-- both ends from the hour rollups, and core.post (index range scans on ward + time) for the
-- partial hours at its edges; distinct authors from analytics.window_authors. The hour and
-- IST-day expressions are written inline: analytics.bucket_start and analytics.ist_day pin
-- search_path, so they would be called (~5-10 us each), not inlined.

begin;

create type analytics.window_stat as (
    posts          bigint,
    positive       bigint,
    negative       bigint,
    neutral        bigint,
    mixed          bigint,
    unknown        bigint,
    sentiment_sum  bigint,
    sentiment_n    bigint,
    authors        bigint,
    parties        jsonb
);
comment on type analytics.window_stat is
    'Exact statistics of one ward over one window: counts per emotion, sentiment sum and count of '
    'scored posts, distinct authors, and parties as {"BJP": {"m": mentions, "s": sentiment_sum, '
    '"n": scored mentions}, ...}.';

create function analytics.ward_window(p_ward text, p_lo timestamptz, p_hi timestamptz,
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
    if p_authors then
        v_r.authors := analytics.window_authors(p_ward, p_lo, v_hi);
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
    'breakdown); distinct authors from analytics.window_authors (cheapest for a window ending now).';

create function analytics.check_days(p_days integer)
returns integer
language plpgsql
immutable
set search_path = pg_catalog
as $$
begin
    if p_days is null or p_days < 1 or p_days > 3660 then
        raise exception 'days must be between 1 and 3660, got %', coalesce(p_days::text, 'NULL')
            using errcode = 'invalid_parameter_value';
    end if;
    return p_days;
end
$$;
comment on function analytics.check_days(integer) is
    'p_days when it is a window length the ward functions accept (1..3660); raises 22023 otherwise.';

commit;
