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

create function analytics.ward_window(p_ward text, p_lo timestamptz, p_hi timestamptz)
returns analytics.window_stat
language sql
stable
parallel safe
set search_path = pg_catalog, analytics, core
as $$
    with bounds as (
        select b.lo, b.hi,
               case when b.full_lo < b.full_hi then b.full_lo else b.hi end as full_lo,
               case when b.full_lo < b.full_hi then b.full_hi else b.hi end as full_hi
          from (select p_lo as lo, greatest(p_lo, p_hi) as hi,
                       case when analytics.bucket_start(p_lo) = p_lo then p_lo
                            else analytics.bucket_start(p_lo) + interval '1 hour' end as full_lo,
                       analytics.bucket_start(greatest(p_lo, p_hi)) as full_hi) b
    ), edge as (
        select p.author_id, p.party, p.emotion, e.sentiment_score
          from bounds b, core.post p join core.emotion e on e.emotion = p.emotion
         where p.city = p_ward
           and ((p.created_at >= b.lo and p.created_at < b.full_lo)
                or (p.created_at >= b.full_hi and p.created_at < b.hi))
    ), hours as (
        select h.* from bounds b, analytics.ward_hour h
         where h.ward_name = p_ward and h.bucket >= b.full_lo and h.bucket < b.full_hi
    ), party_rows as (
        select x.party, x.mentions::bigint as m, x.sentiment_sum::bigint as s, x.sentiment_n::bigint as n
          from bounds b, analytics.ward_hour_party x
         where x.ward_name = p_ward and x.bucket >= b.full_lo and x.bucket < b.full_hi
        union all
        select g.party, 1, coalesce(g.sentiment_score, 0), (g.sentiment_score is not null)::int
          from edge g where g.party is not null
    ), parties as (
        select coalesce(jsonb_object_agg(t.party, jsonb_build_object('m', t.m, 's', t.s, 'n', t.n)), '{}') as j
          from (select r.party, sum(r.m) as m, sum(r.s) as s, sum(r.n) as n
                  from party_rows r group by r.party) t
    ), authors as (
        select count(distinct a) as n
          from (select unnest(h.author_ids) as a from hours h
                union all
                select g.author_id from edge g where g.author_id is not null) u
    )
    select row(coalesce((select sum(h.posts) from hours h), 0) + (select count(*) from edge),
               coalesce((select sum(h.positive) from hours h), 0)
                   + (select count(*) from edge g where g.emotion = 'positive'),
               coalesce((select sum(h.negative) from hours h), 0)
                   + (select count(*) from edge g where g.emotion = 'negative'),
               coalesce((select sum(h.neutral) from hours h), 0)
                   + (select count(*) from edge g where g.emotion = 'neutral'),
               coalesce((select sum(h.mixed) from hours h), 0)
                   + (select count(*) from edge g where g.emotion = 'mixed'),
               coalesce((select sum(h.unknown) from hours h), 0)
                   + (select count(*) from edge g where g.emotion = 'unknown'),
               coalesce((select sum(h.sentiment_sum) from hours h), 0)
                   + coalesce((select sum(g.sentiment_score) from edge g), 0),
               coalesce((select sum(h.sentiment_n) from hours h), 0)
                   + (select count(g.sentiment_score) from edge g),
               (select n from authors),
               (select j from parties))::analytics.window_stat
$$;
comment on function analytics.ward_window(text, timestamptz, timestamptz) is
    'Exact statistics (analytics.window_stat) of ward p_ward (canonical name) for posts with '
    'created_at in [p_lo, p_hi): whole IST hours from the rollups, partial hours at both edges '
    'from core.post. Cost: one index range scan per table, a few hundred rows for a 30-day window.';

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
