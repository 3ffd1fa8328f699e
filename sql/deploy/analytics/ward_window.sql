-- Deploy lokdarpan:analytics/ward_window to pg
-- requires: analytics/rollup
-- The one mechanism every ward function reads through: the statistics of a ward over an
-- arbitrary time window [lo, hi), exact, from the hour rollups for the whole hours inside the
-- window plus core.post (index range scans on ward + time) for the partial hours at its edges.

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
-- generic plans with run-time partition pruning: a custom plan per call would re-plan every
-- partition of core.post (~15 ms) each time, because pruning on now()-based bounds happens at
-- executor start
set plan_cache_mode = force_generic_plan
as $$
declare
    v_hi       timestamptz := greatest(p_lo, p_hi);
    v_full_lo  timestamptz := analytics.bucket_start(p_lo);
    v_full_hi  timestamptz := analytics.bucket_start(greatest(p_lo, p_hi));
    v_r        analytics.window_stat;
    v_e        analytics.window_stat;
begin
    if v_full_lo < p_lo then
        v_full_lo := v_full_lo + interval '1 hour';
    end if;
    if v_full_lo >= v_full_hi then  -- no whole hour inside: the window is all edge
        v_full_lo := v_hi;
        v_full_hi := v_hi;
    end if;
    -- whole hours: one range scan of the rollup's primary key
    select coalesce(sum(h.posts), 0), coalesce(sum(h.positive), 0), coalesce(sum(h.negative), 0),
           coalesce(sum(h.neutral), 0), coalesce(sum(h.mixed), 0), coalesce(sum(h.unknown), 0),
           coalesce(sum(h.sentiment_sum), 0), coalesce(sum(h.sentiment_n), 0)
      into v_r.posts, v_r.positive, v_r.negative, v_r.neutral, v_r.mixed, v_r.unknown,
           v_r.sentiment_sum, v_r.sentiment_n
      from analytics.ward_hour h
     where h.ward_name = p_ward and h.bucket >= v_full_lo and h.bucket < v_full_hi;
    -- partial hours at both edges: two range scans of core.post (ward, created_at)
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
    select count(distinct a.a) into v_r.authors
      from (select unnest(h.author_ids) as a from analytics.ward_hour h
             where h.ward_name = p_ward and h.bucket >= v_full_lo and h.bucket < v_full_hi
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
              from (select h.party, h.mentions::bigint as m, h.sentiment_sum::bigint as s, h.sentiment_n::bigint as n
                      from analytics.ward_hour_party h
                     where h.ward_name = p_ward and h.bucket >= v_full_lo and h.bucket < v_full_hi
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
    'created_at in [p_lo, p_hi): whole IST hours from the rollups, partial hours at both edges '
    'from core.post (index range scans on ward + time, partitions pruned). With p_detail false '
    'only the counts are computed (authors and parties left NULL); with p_authors false the '
    'distinct authors are skipped (NULL). Cost: a few hundred rollup '
    'rows for a 30-day window, plus the distinct authors of the window when p_detail.';

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
