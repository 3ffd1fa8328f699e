-- Deploy lokdarpan:analytics/derived_checks to pg
-- requires: analytics/day_rollup
-- requires: analytics/ward_author
-- requires: analytics/dashboard
-- requires: ops/integrity_check
-- The day rollups and analytics.ward_author are derived from core.post like the hour rollups,
-- and the ward functions trust them; only tests called their drift functions (which read all
-- hour rollups / all posts). Two checks registered behind ops.validate_data_integrity() (and so
-- `lokdarpan-db health`) watch the last 7 days of each, as rollups_in_step does for the hours.

begin;

-- Both are PL/pgSQL so the 7-day bound is a value when each query is planned (as a CTE it was
-- unknown, and at 10,000,000 posts the planner scanned every hour rollup: 6-11 s a check).
create function analytics.check_day_rollups()
returns table (status text, record_count bigint, issue_description text)
language plpgsql
stable
set search_path = pg_catalog, analytics
set plan_cache_mode = force_custom_plan
as $$
declare
    v_day date := analytics.ist_day(now()) - 7;
    v_at  timestamptz := analytics.ist_day_start(analytics.ist_day(now()) - 7);
    v_bad bigint;
begin
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
    ), days as (
        select d.* from analytics.ward_day d where d.day >= v_day
    ), day_parties as (
        select d.* from analytics.ward_day_party d where d.day >= v_day
    ), bad as (
        select f.ward_name
          from fresh f
          left join fresh_authors fa on fa.ward_name = f.ward_name and fa.day = f.day
          full join days d on d.ward_name = f.ward_name and d.day = f.day
         where f.posts is distinct from d.posts or f.positive is distinct from d.positive
            or f.negative is distinct from d.negative or f.neutral is distinct from d.neutral
            or f.mixed is distinct from d.mixed or f.unknown is distinct from d.unknown
            or f.s is distinct from d.sentiment_sum or f.n is distinct from d.sentiment_n
            or coalesce(fa.ids, '{}') is distinct from coalesce(d.author_ids, '{}')
        union all
        select f.ward_name
          from fresh_party f
          full join day_parties d on d.ward_name = f.ward_name and d.day = f.day and d.party = f.party
         where f.m is distinct from d.mentions or f.positive is distinct from d.positive
            or f.negative is distinct from d.negative or f.s is distinct from d.sentiment_sum
            or f.n is distinct from d.sentiment_n
    )
    select count(*) into v_bad from bad;
    return query
        select case when v_bad = 0 then 'PASS' else 'FAIL' end, v_bad,
               case when v_bad = 0 then 'day rollups of the last 7 days equal the sums of their hour rollups'
                    else 'day rollups disagree with their hour rollups in ' || v_bad || ' rows of the last 7 '
                         || 'days (list: analytics.day_rollup_drift(); repair: analytics.recompute_days(...))' end;
end
$$;
comment on function analytics.check_day_rollups() is
    'Integrity check "day_rollups_in_step": compares analytics.ward_day and ward_day_party of the '
    'last 7 IST days with the sums of their hour rollups (reads those hour rows).';

create function analytics.check_ward_author()
returns table (status text, record_count bigint, issue_description text)
language plpgsql
stable
set search_path = pg_catalog, analytics, core
set plan_cache_mode = force_custom_plan
as $$
declare
    v_lo  timestamptz := now() - interval '7 days';
    v_bad bigint;
begin
    -- a (ward, author) with a post in the window has its newest post in the window too, so both
    -- sides are read from the window only: posts by (ward, time) and ward_author by (ward, time)
    select count(*) into v_bad
      from (select p.city, p.author_id, max(p.created_at) as last_post_at
              from core.post p
             where p.created_at >= v_lo and p.author_id is not null
             group by 1, 2) f
      full join (select w.ward_name, w.author_id, w.last_post_at
                   from analytics.ward_author w where w.last_post_at >= v_lo) k
        on k.ward_name = f.city and k.author_id = f.author_id
     where f.last_post_at is distinct from k.last_post_at;
    return query
        select case when v_bad = 0 then 'PASS' else 'FAIL' end, v_bad,
               case when v_bad = 0 then 'ward_author agrees with core.post for every author active in the last 7 days'
                    else 'ward_author disagrees with core.post for ' || v_bad || ' (ward, author) pairs active in '
                         || 'the last 7 days (list: analytics.ward_author_drift())' end;
end
$$;
comment on function analytics.check_ward_author() is
    'Integrity check "ward_author_in_step": for every (ward, author) with a post or a ward_author '
    'row in the last 7 days, the kept newest post time equals the newest post in core.post.';

insert into ops.integrity_check (check_name, check_function, description) values
    ('day_rollups_in_step', 'analytics.check_day_rollups',
     'analytics day rollups equal the sums of their hour rollups (last 7 days)'),
    ('ward_author_in_step', 'analytics.check_ward_author',
     'analytics.ward_author holds each active author''s newest post per ward (last 7 days)');

commit;
