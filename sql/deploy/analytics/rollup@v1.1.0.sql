-- Deploy lokdarpan:analytics/rollup to pg
-- requires: analytics/rollup@v1.0.0
-- Reworked after @v1.0.0 (the first version is rollup@v1.0.0.sql); it replaces two functions of
-- that change and adds one. Writers of core.post that UPDATE or DELETE posts while others INSERT
-- into the same ward and IST day failed with "deadlock detected" or a duplicate key on
-- analytics.pk_ward_day / pk_ward_hour: the change trigger (tg_post__rollup_change, through
-- analytics.recompute_hours and recompute_days) rebuilt the touched hours and days by
-- delete + insert, in no particular key order and table by table (party rows first), while the
-- insert trigger upserts them in key order, day rows before hour rows. Adoption's continuous
-- apply turns every legacy UPDATE or DELETE of a post into such a statement.
--
-- Now the recount takes the same locks in the same order as the insert trigger, then upserts:
-- 1. analytics.rollup_lock_days() locks the ward_day row of every touched (ward, IST day) in key
--    order (INSERT ... ON CONFLICT DO UPDATE ... WHERE false: an existing row is locked and left
--    as it is; a missing one is inserted as a placeholder, which the recount overwrites or
--    deletes before the commit). The insert trigger's first rollup write is that same row (its
--    day upsert runs before its hour upsert: the hour insert is an unreferenced data-modifying
--    CTE, which PostgreSQL runs after the main statement), and it takes its days in the same key
--    order; so every writer of any hour, day or party row of a ward-day holds that row first,
--    and concurrent recounts and inserts queue on it instead of crossing each other (no cycle:
--    one global order, days by (ward_name, day) before any other rollup row).
-- 2. Holding it, no increment of those rows is in flight and none can start: an insert that got
--    there first has committed (its post is in the recount's fresh snapshot, READ COMMITTED
--    takes one per statement), one that comes later waits and adds its increment on top of the
--    exact count. So the rollups stay exact. The hours are recounted from core.post and written
--    over with INSERT ... ON CONFLICT DO UPDATE in key order, hours (and party rows) left
--    without posts are deleted; then the days from all their hours, the same way (a placeholder
--    of step 1 is overwritten, or deleted when the day has no hours).
-- Under REPEATABLE READ or SERIALIZABLE the row lock of step 1 raises 40001 (could not
-- serialize) when another writer changed the day after the snapshot: retry, as for the insert
-- trigger's upserts; never a wrong count.
--
-- What it locks, also at 10,000,000 posts: row locks on the ward_day rows of the touched ward-days
-- until the writing transaction commits (inserts into those ward-days wait for it, as they wait for
-- one another; other ward-days and readers never), plus the hour and party rows it rewrites. The
-- recount of one ward-hour reads only that ward-hour's posts through ix_post__city__created_at
-- (about 10 posts an hour in a busy ward at 10,000,000 posts, one index range each) and a day's at most 24
-- hour rows; nothing scans core.post or a whole rollup table. No table lock beyond the row locks.
-- Multi-statement transactions that touch several ward-days in different orders can still
-- deadlock with each other like any counters kept in rows (PostgreSQL aborts one; retry it).
-- The trigger functions are unchanged (tg_post__rollup_change still calls recompute_hours), so
-- deploying this replaces no function a concurrent INSERT is executing.

begin;

create function analytics.rollup_lock_days(p_wards text[], p_days date[])
returns void
language sql
volatile
set search_path = pg_catalog, analytics
as $$
    insert into analytics.ward_day as d (ward_name, day, posts, positive, negative, neutral, mixed, unknown,
                                         sentiment_sum, sentiment_n)
    select distinct k.ward_name, k.day, 1, 0, 0, 0, 0, 1, 0, 0
      from unnest(p_wards, p_days) as k (ward_name, day)
     where k.ward_name is not null and k.day is not null
     order by 1, 2
    on conflict (ward_name, day) do update set posts = d.posts where false
$$;
comment on function analytics.rollup_lock_days(text[], date[]) is
    'Locks the analytics.ward_day rows of the (ward, IST day) pairs (p_wards[i], p_days[i]) in key '
    'order, as the insert trigger of core.post takes them, until the transaction ends; a missing '
    'row is inserted as a placeholder (1 unknown post) that the caller must overwrite or delete '
    '(analytics.recompute_days does). Called by analytics.recompute_hours and recompute_days before '
    'they recount, so that the recount is exact and concurrent writers never deadlock. Cost: one '
    'primary-key probe per pair.';

create or replace function analytics.recompute_days(p_keys jsonb)
returns integer
language plpgsql
volatile
set search_path = pg_catalog, analytics
as $$
declare
    v_wards text[];
    v_days  date[];
    v_rows  integer;
begin
    -- p_keys: [{"w": ward, "d": day}, ...]; the days are recounted from the hour rollups
    select coalesce(array_agg(k.w order by k.w, k.d), '{}'), coalesce(array_agg(k.d order by k.w, k.d), '{}')
      into v_wards, v_days
      from (select distinct e->>'w' as w, (e->>'d')::date as d
              from jsonb_array_elements(coalesce(p_keys, '[]')) e) k
     where k.w is not null and k.d is not null;
    if cardinality(v_wards) = 0 then
        return 0;
    end if;
    -- every writer of these days' rows holds their ward_day row first: lock them in key order
    perform analytics.rollup_lock_days(v_wards, v_days);
    insert into analytics.ward_day as d
    select k.ward_name, k.day, sum(h.posts), sum(h.positive), sum(h.negative), sum(h.neutral), sum(h.mixed),
           sum(h.unknown), sum(h.sentiment_sum), sum(h.sentiment_n)
      from unnest(v_wards, v_days) as k (ward_name, day)
      join analytics.ward_hour h on h.ward_name = k.ward_name and h.bucket >= analytics.ist_day_start(k.day)
                                and h.bucket < analytics.ist_day_start(k.day) + interval '1 day'
     group by k.ward_name, k.day
     order by 1, 2
    on conflict (ward_name, day) do update
       set posts = excluded.posts, positive = excluded.positive, negative = excluded.negative,
           neutral = excluded.neutral, mixed = excluded.mixed, unknown = excluded.unknown,
           sentiment_sum = excluded.sentiment_sum, sentiment_n = excluded.sentiment_n;
    get diagnostics v_rows = row_count;
    -- days left without hours (and the placeholders of such days) go, with their party rows
    delete from analytics.ward_day d
     using unnest(v_wards, v_days) as k (ward_name, day)
     where d.ward_name = k.ward_name and d.day = k.day
       and not exists (select 1 from analytics.ward_hour h
                        where h.ward_name = k.ward_name and h.bucket >= analytics.ist_day_start(k.day)
                          and h.bucket < analytics.ist_day_start(k.day) + interval '1 day');
    insert into analytics.ward_day_party as d
    select k.ward_name, k.day, h.party, sum(h.mentions), sum(h.positive), sum(h.negative), sum(h.sentiment_sum),
           sum(h.sentiment_n)
      from unnest(v_wards, v_days) as k (ward_name, day)
      join analytics.ward_hour_party h on h.ward_name = k.ward_name and h.bucket >= analytics.ist_day_start(k.day)
                                      and h.bucket < analytics.ist_day_start(k.day) + interval '1 day'
     group by k.ward_name, k.day, h.party
     order by 1, 2, 3
    on conflict (ward_name, day, party) do update
       set mentions = excluded.mentions, positive = excluded.positive, negative = excluded.negative,
           sentiment_sum = excluded.sentiment_sum, sentiment_n = excluded.sentiment_n;
    delete from analytics.ward_day_party d
     using unnest(v_wards, v_days) as k (ward_name, day)
     where d.ward_name = k.ward_name and d.day = k.day
       and not exists (select 1 from analytics.ward_hour_party h
                        where h.ward_name = k.ward_name and h.party = d.party
                          and h.bucket >= analytics.ist_day_start(k.day)
                          and h.bucket < analytics.ist_day_start(k.day) + interval '1 day');
    return v_rows;
end
$$;
comment on function analytics.recompute_days(jsonb) is
    'Recounts the day rollup rows of the given (ward, IST day) pairs from the hour rollups '
    '([{"w": ward, "d": day}]): locks their ward_day rows in key order first '
    '(analytics.rollup_lock_days), then upserts the sums and deletes the rows of days without '
    'hours, so it stays exact and deadlock-free while core.post is written. Returns the number of '
    'day rows written. Cost: at most 24 hour rows a day.';

create or replace function analytics.recompute_hours(p_keys jsonb)
returns integer
language plpgsql
volatile
set search_path = pg_catalog, analytics, core
as $$
declare
    v_wards   text[];
    v_buckets timestamptz[];
    v_rows    integer;
begin
    -- p_keys: [{"w": ward, "b": bucket}, ...]; an instant stands for the IST hour holding it
    select coalesce(array_agg(k.w order by k.w, k.b), '{}'), coalesce(array_agg(k.b order by k.w, k.b), '{}')
      into v_wards, v_buckets
      from (select distinct e->>'w' as w, analytics.bucket_start((e->>'b')::timestamptz) as b
              from jsonb_array_elements(coalesce(p_keys, '[]')) e) k
     where k.w is not null and k.b is not null;
    if cardinality(v_wards) = 0 then
        return 0;
    end if;
    -- every writer of these hours holds the ward_day row of their day first: lock those in key
    -- order before reading a post (the recount below then sees every committed post of them)
    perform analytics.rollup_lock_days(array_agg(k.ward_name), array_agg(analytics.ist_day(k.bucket)))
       from unnest(v_wards, v_buckets) as k (ward_name, bucket);
    insert into analytics.ward_hour as h
    select p.city, analytics.bucket_start(p.created_at), count(*),
           count(*) filter (where p.emotion = 'positive'), count(*) filter (where p.emotion = 'negative'),
           count(*) filter (where p.emotion = 'neutral'), count(*) filter (where p.emotion = 'mixed'),
           count(*) filter (where p.emotion = 'unknown'),
           coalesce(sum(e.sentiment_score), 0), count(e.sentiment_score)
      from unnest(v_wards, v_buckets) as k (ward_name, bucket)
      join core.post p on p.city = k.ward_name and p.created_at >= k.bucket
                      and p.created_at < k.bucket + interval '1 hour'
      join core.emotion e on e.emotion = p.emotion
     group by 1, 2
     order by 1, 2
    on conflict (ward_name, bucket) do update
       set posts = excluded.posts, positive = excluded.positive, negative = excluded.negative,
           neutral = excluded.neutral, mixed = excluded.mixed, unknown = excluded.unknown,
           sentiment_sum = excluded.sentiment_sum, sentiment_n = excluded.sentiment_n;
    get diagnostics v_rows = row_count;
    -- hours left without posts go, with their party rows (the posts of locked days cannot
    -- change under us: every writer of them waits for the locks above before it commits)
    delete from analytics.ward_hour h
     using unnest(v_wards, v_buckets) as k (ward_name, bucket)
     where h.ward_name = k.ward_name and h.bucket = k.bucket
       and not exists (select 1 from core.post p
                        where p.city = k.ward_name and p.created_at >= k.bucket
                          and p.created_at < k.bucket + interval '1 hour');
    insert into analytics.ward_hour_party as h
    select p.city, analytics.bucket_start(p.created_at), p.party, count(*),
           count(*) filter (where p.emotion = 'positive'), count(*) filter (where p.emotion = 'negative'),
           coalesce(sum(e.sentiment_score), 0), count(e.sentiment_score)
      from unnest(v_wards, v_buckets) as k (ward_name, bucket)
      join core.post p on p.city = k.ward_name and p.created_at >= k.bucket
                      and p.created_at < k.bucket + interval '1 hour'
      join core.emotion e on e.emotion = p.emotion
     where p.party is not null
     group by 1, 2, 3
     order by 1, 2, 3
    on conflict (ward_name, bucket, party) do update
       set mentions = excluded.mentions, positive = excluded.positive, negative = excluded.negative,
           sentiment_sum = excluded.sentiment_sum, sentiment_n = excluded.sentiment_n;
    delete from analytics.ward_hour_party h
     using unnest(v_wards, v_buckets) as k (ward_name, bucket)
     where h.ward_name = k.ward_name and h.bucket = k.bucket
       and not exists (select 1 from core.post p
                        where p.city = k.ward_name and p.party = h.party and p.created_at >= k.bucket
                          and p.created_at < k.bucket + interval '1 hour');
    perform analytics.recompute_days((select jsonb_agg(distinct jsonb_build_object('w', k.ward_name,
                                                                                 'd', analytics.ist_day(k.bucket)))
                                        from unnest(v_wards, v_buckets) as k (ward_name, bucket)));
    return v_rows;
end
$$;
comment on function analytics.recompute_hours(jsonb) is
    'Recounts the rollup rows of the given (ward, IST hour) pairs from core.post, then their days '
    '([{"w": ward, "b": bucket}]; an instant stands for the IST hour holding it): locks the ward_day '
    'rows of their days in key order first (analytics.rollup_lock_days), then upserts the counts and '
    'deletes the rows of hours without posts, so it stays exact and deadlock-free while core.post is '
    'written (the UPDATE/DELETE trigger of core.post calls it). Returns the number of hour rows '
    'written. Cost: the posts of those hours (ward + time index) and the hour rows of their days.';

commit;
