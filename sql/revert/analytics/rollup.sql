-- Revert lokdarpan:analytics/rollup from pg
-- Back to the definitions of analytics/rollup@v1.1.0: recompute_days and recompute_hours delete
-- the rows of keys left without posts (or hours) with NOT EXISTS over core.post and
-- analytics.ward_hour. Two functions replaced (catalog only), with their comments; rollup rows are
-- kept: both versions keep them exact.

begin;

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
