-- Revert lokdarpan:analytics/derived_checks from pg
-- The drift functions compare the rollups' author-id arrays again (as analytics/rollup and the
-- first analytics/derived_checks wrote them, verbatim).

begin;

create or replace function analytics.rollup_drift(p_from timestamptz default '-infinity', p_to timestamptz default 'infinity')
returns table (ward_name text, bucket timestamptz, in_rollup bigint, in_posts bigint)
language sql
stable
set search_path = pg_catalog, analytics, core
as $$
    with bounds as (
        select case when isfinite(p_from) then analytics.bucket_start(p_from) else p_from end as lo,
               case when isfinite(p_to) then analytics.bucket_start(p_to) else p_to end as hi
    ), fresh as (
        select p.city as ward_name, analytics.bucket_start(p.created_at) as bucket, count(*) as posts,
               coalesce(array_agg(distinct p.author_id order by p.author_id)
                        filter (where p.author_id is not null), '{}') as authors,
               count(*) filter (where p.emotion = 'positive') as positive,
               count(*) filter (where p.party is not null) as with_party
          from core.post p, bounds b
         where p.created_at >= b.lo and p.created_at < b.hi
         group by 1, 2
    ), kept as (
        select h.ward_name, h.bucket, h.posts, h.author_ids, h.positive,
               (select coalesce(sum(x.mentions), 0) from analytics.ward_hour_party x
                 where x.ward_name = h.ward_name and x.bucket = h.bucket) as with_party
          from analytics.ward_hour h, bounds b
         where h.bucket >= b.lo and h.bucket < b.hi
    )
    select coalesce(f.ward_name, k.ward_name), coalesce(f.bucket, k.bucket), k.posts::bigint, f.posts
      from fresh f full join kept k on k.ward_name = f.ward_name and k.bucket = f.bucket
     where f.posts is distinct from k.posts or f.authors is distinct from k.author_ids
        or f.positive is distinct from k.positive or f.with_party is distinct from k.with_party
$$;
comment on function analytics.rollup_drift(timestamptz, timestamptz) is
    'Hours whose rollup disagrees with a from-scratch recomputation over core.post, for the IST '
    'hours in [p_from, p_to) (rounded down to hours): empty when the rollups are exact. Scans '
    'the posts of the range.';

create or replace function analytics.day_rollup_drift(p_from date)
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

commit;
