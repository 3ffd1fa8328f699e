-- Deploy lokdarpan:analytics/derived_checks to pg
-- requires: analytics/day_rollup
-- requires: analytics/ward_author
-- requires: analytics/dashboard
-- requires: ops/integrity_check
-- The day rollups and analytics.ward_author are derived from core.post like the hour rollups,
-- and the ward functions trust them; only tests called their drift functions (which read all
-- hour rollups / all posts). The drift functions now take a lower bound, as rollup_drift does,
-- and two checks registered behind ops.validate_data_integrity() (and so `lokdarpan-db health`)
-- count their rows over the last 7 days, as rollups_in_step does for the hours. The bounded
-- functions are PL/pgSQL so the bound is a value when each query is planned (unknown, the
-- planner scanned every hour rollup at 10,000,000 posts: 6-11 s a check); the unbounded ones
-- are the bounded ones from -infinity.

begin;

create function analytics.day_rollup_drift(p_from date)
returns table (ward_name text, day date, party text, in_days bigint, in_hours bigint)
language plpgsql
stable
set search_path = pg_catalog, analytics
set plan_cache_mode = force_custom_plan
as $$
declare
    v_at timestamptz := analytics.ist_day_start(p_from);
begin
    -- party is null for the ward_day rows themselves; in_* are post (or mention) counts
    return query
    with fresh as (
        select h.ward_name, analytics.ist_day(h.bucket) as day, sum(h.posts) as posts,
               sum(h.positive) as positive, sum(h.negative) as negative, sum(h.neutral) as neutral,
               sum(h.mixed) as mixed, sum(h.unknown) as unknown, sum(h.sentiment_sum) as s, sum(h.sentiment_n) as n
          from analytics.ward_hour h where h.bucket >= v_at group by 1, 2
    ), fresh_authors as (
        select h.ward_name, analytics.ist_day(h.bucket) as day, array_agg(distinct a order by a) as ids
          from analytics.ward_hour h, unnest(h.author_ids) a where h.bucket >= v_at group by 1, 2
    ), fresh_party as (
        select h.ward_name, analytics.ist_day(h.bucket) as day, h.party, sum(h.mentions) as m,
               sum(h.positive) as positive, sum(h.negative) as negative, sum(h.sentiment_sum) as s,
               sum(h.sentiment_n) as n
          from analytics.ward_hour_party h where h.bucket >= v_at group by 1, 2, 3
    )
    select coalesce(f.ward_name, d.ward_name), coalesce(f.day, d.day), null::text, d.posts::bigint, f.posts::bigint
      from (fresh f left join fresh_authors fa on fa.ward_name = f.ward_name and fa.day = f.day)
      full join (select * from analytics.ward_day y where y.day >= p_from) d
        on d.ward_name = f.ward_name and d.day = f.day
     where f.posts is distinct from d.posts or f.positive is distinct from d.positive
        or f.negative is distinct from d.negative or f.neutral is distinct from d.neutral
        or f.mixed is distinct from d.mixed or f.unknown is distinct from d.unknown
        or f.s is distinct from d.sentiment_sum or f.n is distinct from d.sentiment_n
        or (f.ward_name is not null and coalesce(fa.ids, '{}') is distinct from d.author_ids)
    union all
    select coalesce(f.ward_name, d.ward_name), coalesce(f.day, d.day), coalesce(f.party, d.party),
           d.mentions::bigint, f.m::bigint
      from fresh_party f
      full join (select * from analytics.ward_day_party y where y.day >= p_from) d
        on d.ward_name = f.ward_name and d.day = f.day and d.party = f.party
     where f.m is distinct from d.mentions or f.positive is distinct from d.positive
        or f.negative is distinct from d.negative or f.s is distinct from d.sentiment_sum
        or f.n is distinct from d.sentiment_n;
end
$$;
comment on function analytics.day_rollup_drift(date) is
    'Day rollup rows from IST day p_from on (party null: analytics.ward_day; else '
    'analytics.ward_day_party) that disagree with the sums of the hour rollups over their IST '
    'day: empty when the day rollups are exact. Reads the hour rollups from p_from on.';

create or replace function analytics.day_rollup_drift()
returns table (ward_name text, day date, party text, in_days bigint, in_hours bigint)
language sql
stable
set search_path = pg_catalog, analytics
as $$
    select * from analytics.day_rollup_drift('-infinity'::date)
$$;
comment on function analytics.day_rollup_drift() is
    'analytics.day_rollup_drift(p_from) over all days: every day rollup row that disagrees with '
    'its hour rollups. Reads all hour rollups.';

create function analytics.ward_author_drift(p_from timestamptz)
returns table (ward_name text, author_id bigint, kept timestamptz, in_posts timestamptz)
language plpgsql
stable
set search_path = pg_catalog, analytics, core
set plan_cache_mode = force_custom_plan
as $$
begin
    -- a (ward, author) with a post from p_from on has its newest post from p_from on too, so
    -- both sides are read from p_from on only: posts by (ward, time), ward_author by (ward, time)
    return query
    select coalesce(f.city, w.ward_name), coalesce(f.author_id, w.author_id), w.last_post_at, f.last_post_at
      from (select p.city, p.author_id, max(p.created_at) as last_post_at
              from core.post p
             where p.created_at >= p_from and p.author_id is not null
             group by 1, 2) f
      full join (select * from analytics.ward_author y where y.last_post_at >= p_from) w
        on w.ward_name = f.city and w.author_id = f.author_id
     where f.last_post_at is distinct from w.last_post_at;
end
$$;
comment on function analytics.ward_author_drift(timestamptz) is
    'Rows of analytics.ward_author that disagree with core.post for every (ward, author) with a '
    'post or a kept newest post time from p_from on (empty when exact). Reads posts from p_from on.';

create or replace function analytics.ward_author_drift()
returns table (ward_name text, author_id bigint, kept timestamptz, in_posts timestamptz)
language sql
stable
set search_path = pg_catalog, analytics, core
as $$
    select * from analytics.ward_author_drift('-infinity'::timestamptz)
$$;
comment on function analytics.ward_author_drift() is
    'analytics.ward_author_drift(p_from) over all time: rows of analytics.ward_author that disagree '
    'with core.post (empty when exact). Scans all posts.';

create function analytics.check_day_rollups()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, analytics
as $$
    select case when d.n = 0 then 'PASS' else 'FAIL' end, d.n,
           case when d.n = 0 then 'day rollups of the last 7 days equal the sums of their hour rollups'
                else 'day rollups disagree with their hour rollups in ' || d.n || ' rows of the last 7 '
                     || 'days (list: analytics.day_rollup_drift(); repair: analytics.recompute_days(...))' end
      from (select count(*) as n from analytics.day_rollup_drift(analytics.ist_day(now()) - 7)) d
$$;
comment on function analytics.check_day_rollups() is
    'Integrity check "day_rollups_in_step": analytics.day_rollup_drift() over the last 7 IST days '
    '(reads those hour rows).';

create function analytics.check_ward_author()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, analytics
as $$
    select case when d.n = 0 then 'PASS' else 'FAIL' end, d.n,
           case when d.n = 0 then 'ward_author agrees with core.post for every author active in the last 7 days'
                else 'ward_author disagrees with core.post for ' || d.n || ' (ward, author) pairs active in '
                     || 'the last 7 days (list: analytics.ward_author_drift())' end
      from (select count(*) as n from analytics.ward_author_drift(now() - interval '7 days')) d
$$;
comment on function analytics.check_ward_author() is
    'Integrity check "ward_author_in_step": analytics.ward_author_drift() over the (ward, author) '
    'pairs with a post or a kept newest post time in the last 7 days.';

insert into ops.integrity_check (check_name, check_function, description) values
    ('day_rollups_in_step', 'analytics.check_day_rollups',
     'analytics day rollups equal the sums of their hour rollups (last 7 days)'),
    ('ward_author_in_step', 'analytics.check_ward_author',
     'analytics.ward_author holds each active author''s newest post per ward (last 7 days)');

commit;
