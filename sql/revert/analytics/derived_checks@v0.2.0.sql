-- Revert lokdarpan:analytics/derived_checks from pg
-- The unbounded drift functions as analytics/day_rollup and analytics/ward_author wrote them
-- (verbatim), without the bounded ones and the checks.

begin;

delete from ops.integrity_check where check_name in ('day_rollups_in_step', 'ward_author_in_step');
drop function analytics.check_ward_author();
drop function analytics.check_day_rollups();

create or replace function analytics.day_rollup_drift()
returns table (ward_name text, day date, party text, in_days bigint, in_hours bigint)
language sql
stable
set search_path = pg_catalog, analytics
as $$
    -- party is null for the ward_day rows themselves; in_* are post (or mention) counts
    with fresh as (
        select h.ward_name, analytics.ist_day(h.bucket) as day, sum(h.posts) as posts,
               sum(h.positive) as positive, sum(h.negative) as negative, sum(h.sentiment_sum) as s,
               sum(h.sentiment_n) as n
          from analytics.ward_hour h group by 1, 2
    ), fresh_authors as (
        select h.ward_name, analytics.ist_day(h.bucket) as day, array_agg(distinct a order by a) as ids
          from analytics.ward_hour h, unnest(h.author_ids) a group by 1, 2
    ), fresh_party as (
        select h.ward_name, analytics.ist_day(h.bucket) as day, h.party, sum(h.mentions) as m,
               sum(h.positive) as positive, sum(h.negative) as negative, sum(h.sentiment_sum) as s,
               sum(h.sentiment_n) as n
          from analytics.ward_hour_party h group by 1, 2, 3
    )
    select coalesce(f.ward_name, d.ward_name), coalesce(f.day, d.day), null::text, d.posts::bigint, f.posts
      from (fresh f left join fresh_authors fa on fa.ward_name = f.ward_name and fa.day = f.day)
      full join analytics.ward_day d on d.ward_name = f.ward_name and d.day = f.day
     where f.posts is distinct from d.posts or f.positive is distinct from d.positive
        or f.negative is distinct from d.negative or f.s is distinct from d.sentiment_sum
        or f.n is distinct from d.sentiment_n
        or (f.ward_name is not null and coalesce(fa.ids, '{}') is distinct from d.author_ids)
    union all
    select coalesce(f.ward_name, d.ward_name), coalesce(f.day, d.day), coalesce(f.party, d.party),
           d.mentions::bigint, f.m
      from fresh_party f
      full join analytics.ward_day_party d on d.ward_name = f.ward_name and d.day = f.day and d.party = f.party
     where f.m is distinct from d.mentions or f.positive is distinct from d.positive
        or f.negative is distinct from d.negative or f.s is distinct from d.sentiment_sum
        or f.n is distinct from d.sentiment_n
$$;
comment on function analytics.day_rollup_drift() is
    'Day rollup rows (party null: analytics.ward_day; else analytics.ward_day_party) that disagree '
    'with the sums of the hour rollups over their IST day: empty when the day rollups are exact. '
    'Reads all hour rollups.';

create or replace function analytics.ward_author_drift()
returns table (ward_name text, author_id bigint, kept timestamptz, in_posts timestamptz)
language sql
stable
set search_path = pg_catalog, analytics, core
as $$
    select coalesce(f.city, w.ward_name), coalesce(f.author_id, w.author_id), w.last_post_at, f.last_post_at
      from (select p.city, p.author_id, max(p.created_at) as last_post_at
              from core.post p where p.author_id is not null group by 1, 2) f
      full join analytics.ward_author w on w.ward_name = f.city and w.author_id = f.author_id
     where f.last_post_at is distinct from w.last_post_at
$$;
comment on function analytics.ward_author_drift() is
    'Rows of analytics.ward_author that disagree with core.post (empty when exact). Scans all posts.';

drop function analytics.ward_author_drift(timestamptz);
drop function analytics.day_rollup_drift(date);

commit;
