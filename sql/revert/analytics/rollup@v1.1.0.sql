-- Revert lokdarpan:analytics/rollup from pg
-- Back to the definitions of analytics/rollup@v1.0.0: recompute_days and recompute_hours rebuild
-- the touched rows by delete + insert (the concurrency defect the rework fixed), and no
-- analytics.rollup_lock_days. Rollup rows are kept: both versions keep them exact.

begin;

create or replace function analytics.recompute_days(p_keys jsonb)
returns integer
language plpgsql
volatile
set search_path = pg_catalog, analytics
as $$
declare
    v_rows integer;
begin
    -- p_keys: [{"w": ward, "d": day}, ...]; the days are rebuilt from the hour rollups
    create temp table if not exists pg_temp.rollup_day_keys (ward_name text, day date) on commit drop;
    truncate pg_temp.rollup_day_keys;
    insert into pg_temp.rollup_day_keys
    select distinct k->>'w', (k->>'d')::date from jsonb_array_elements(coalesce(p_keys, '[]')) k;
    delete from analytics.ward_day_party d using pg_temp.rollup_day_keys k
     where d.ward_name = k.ward_name and d.day = k.day;
    delete from analytics.ward_day d using pg_temp.rollup_day_keys k
     where d.ward_name = k.ward_name and d.day = k.day;
    insert into analytics.ward_day
    select k.ward_name, k.day, sum(h.posts), sum(h.positive), sum(h.negative), sum(h.neutral), sum(h.mixed),
           sum(h.unknown), sum(h.sentiment_sum), sum(h.sentiment_n)
      from pg_temp.rollup_day_keys k
      join analytics.ward_hour h on h.ward_name = k.ward_name and h.bucket >= analytics.ist_day_start(k.day)
                                and h.bucket < analytics.ist_day_start(k.day) + interval '1 day'
     group by k.ward_name, k.day
     order by 1, 2;
    get diagnostics v_rows = row_count;
    insert into analytics.ward_day_party
    select k.ward_name, k.day, h.party, sum(h.mentions), sum(h.positive), sum(h.negative), sum(h.sentiment_sum),
           sum(h.sentiment_n)
      from pg_temp.rollup_day_keys k
      join analytics.ward_hour_party h on h.ward_name = k.ward_name and h.bucket >= analytics.ist_day_start(k.day)
                                      and h.bucket < analytics.ist_day_start(k.day) + interval '1 day'
     group by k.ward_name, k.day, h.party
     order by 1, 2, 3;
    return v_rows;
end
$$;
comment on function analytics.recompute_days(jsonb) is
    'Rebuilds the day rollup rows of the given (ward, IST day) pairs from the hour rollups '
    '([{"w": ward, "d": day}]); returns the number of day rows written.';

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
           coalesce(sum(e.sentiment_score), 0), count(e.sentiment_score)
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
    perform analytics.recompute_days((select jsonb_agg(distinct jsonb_build_object('w', k.ward_name,
                                                                                 'd', analytics.ist_day(k.bucket)))
                                        from pg_temp.rollup_keys k));
    return v_rows;
end
$$;
comment on function analytics.recompute_hours(jsonb) is
    'Recomputes the rollup rows of the given (ward, IST hour) pairs from core.post, then their '
    'days ([{"w": ward, "b": bucket}]); returns the number of hour rows written.';

drop function analytics.rollup_lock_days(text[], date[]);

commit;
