-- Revert lokdarpan:analytics/day_rollup from pg
-- Back to hour rollups only: the earlier bodies of the insert trigger, recompute_hours, the
-- truncate trigger and ward_window, then the day tables go.

begin;

create or replace function analytics.recompute_hours(p_keys jsonb)
returns integer
language plpgsql
volatile
set search_path = pg_catalog, analytics, core
as $$
declare
    v_rows integer;
begin
    -- p_keys: [{"w": ward, "b": bucket}, ...]
    create temp table if not exists pg_temp.rollup_keys (ward_name text, bucket timestamptz) on commit drop;
    truncate pg_temp.rollup_keys;
    insert into pg_temp.rollup_keys
    select distinct k->>'w', (k->>'b')::timestamptz from jsonb_array_elements(p_keys) k;
    delete from analytics.ward_hour_party h using pg_temp.rollup_keys k
     where h.ward_name = k.ward_name and h.bucket = k.bucket;
    delete from analytics.ward_hour h using pg_temp.rollup_keys k
     where h.ward_name = k.ward_name and h.bucket = k.bucket;
    insert into analytics.ward_hour
    select p.city, analytics.bucket_start(p.created_at), count(*),
           count(*) filter (where p.emotion = 'positive'), count(*) filter (where p.emotion = 'negative'),
           count(*) filter (where p.emotion = 'neutral'), count(*) filter (where p.emotion = 'mixed'),
           count(*) filter (where p.emotion = 'unknown'),
           coalesce(sum(e.sentiment_score), 0), count(e.sentiment_score),
           coalesce(array_agg(distinct p.author_id order by p.author_id)
                    filter (where p.author_id is not null), '{}')
      from pg_temp.rollup_keys k
      join core.post p on p.city = k.ward_name and p.created_at >= k.bucket
                      and p.created_at < k.bucket + interval '1 hour'
      join core.emotion e on e.emotion = p.emotion
     group by 1, 2
     order by 1, 2;
    get diagnostics v_rows = row_count;
    insert into analytics.ward_hour_party
    select p.city, analytics.bucket_start(p.created_at), p.party, count(*),
           count(*) filter (where p.emotion = 'positive'), count(*) filter (where p.emotion = 'negative'),
           coalesce(sum(e.sentiment_score), 0), count(e.sentiment_score)
      from pg_temp.rollup_keys k
      join core.post p on p.city = k.ward_name and p.created_at >= k.bucket
                      and p.created_at < k.bucket + interval '1 hour'
      join core.emotion e on e.emotion = p.emotion
     where p.party is not null
     group by 1, 2, 3
     order by 1, 2, 3;
    return v_rows;
end
$$;
comment on function analytics.recompute_hours(jsonb) is
    'Recomputes the rollup rows of the given (ward, IST hour) pairs from core.post '
    '([{"w": ward, "b": bucket}]); returns the number of hour rows written.';


create or replace function analytics.tg_post__rollup_insert()
returns trigger
language plpgsql
set search_path = pg_catalog, analytics, core
as $$
begin
    -- rows are upserted in key order so concurrent batches never deadlock on rollup rows;
    -- the bucket is analytics.bucket_start() written out (a function with a pinned search_path
    -- is not inlined, and this runs once per inserted row)
    insert into analytics.ward_hour as h
    select n.city, date_bin('1 hour', n.created_at, timestamptz '2000-01-01 00:30:00+00'), count(*),
           count(*) filter (where n.emotion = 'positive'), count(*) filter (where n.emotion = 'negative'),
           count(*) filter (where n.emotion = 'neutral'), count(*) filter (where n.emotion = 'mixed'),
           count(*) filter (where n.emotion = 'unknown'),
           coalesce(sum(e.sentiment_score), 0), count(e.sentiment_score),
           coalesce(array_agg(distinct n.author_id order by n.author_id)
                    filter (where n.author_id is not null), '{}')
      from new_rows n join core.emotion e on e.emotion = n.emotion
     group by 1, 2
     order by 1, 2
    on conflict (ward_name, bucket) do update
       set posts = h.posts + excluded.posts,
           positive = h.positive + excluded.positive,
           negative = h.negative + excluded.negative,
           neutral = h.neutral + excluded.neutral,
           mixed = h.mixed + excluded.mixed,
           unknown = h.unknown + excluded.unknown,
           sentiment_sum = h.sentiment_sum + excluded.sentiment_sum,
           sentiment_n = h.sentiment_n + excluded.sentiment_n,
           author_ids = case when excluded.author_ids <@ h.author_ids then h.author_ids
                             else (select array_agg(distinct a order by a)
                                     from unnest(h.author_ids || excluded.author_ids) a) end;
    insert into analytics.ward_hour_party as h
    select n.city, date_bin('1 hour', n.created_at, timestamptz '2000-01-01 00:30:00+00'), n.party, count(*),
           count(*) filter (where n.emotion = 'positive'), count(*) filter (where n.emotion = 'negative'),
           coalesce(sum(e.sentiment_score), 0), count(e.sentiment_score)
      from new_rows n join core.emotion e on e.emotion = n.emotion
     where n.party is not null
     group by 1, 2, 3
     order by 1, 2, 3
    on conflict (ward_name, bucket, party) do update
       set mentions = h.mentions + excluded.mentions,
           positive = h.positive + excluded.positive,
           negative = h.negative + excluded.negative,
           sentiment_sum = h.sentiment_sum + excluded.sentiment_sum,
           sentiment_n = h.sentiment_n + excluded.sentiment_n;
    return null;
end
$$;
comment on function analytics.tg_post__rollup_insert() is
    'Statement trigger on core.post: adds the inserted posts to the hour rollups (one aggregate per statement).';


create or replace function analytics.tg_post__rollup_truncate()
returns trigger
language plpgsql
set search_path = pg_catalog, analytics
as $$
begin
    truncate analytics.ward_hour_party, analytics.ward_hour;
    return null;
end
$$;
comment on function analytics.tg_post__rollup_truncate() is 'TRUNCATE of core.post empties the rollups.';

create or replace function analytics.ward_window(p_ward text, p_lo timestamptz, p_hi timestamptz,
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


drop function analytics.day_rollup_drift();
drop function analytics.recompute_days(jsonb);
drop table analytics.ward_day_party;
drop table analytics.ward_day;
drop function analytics.ist_day_start(date);

commit;
