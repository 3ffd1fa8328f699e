-- Revert lokdarpan:analytics/rollup from pg
-- The hour and day rollups get their author-id arrays back, recomputed from core.post (hours)
-- and from the hours (days), and the trigger and recompute functions maintain them again (as
-- analytics/day_rollup wrote them, verbatim).

begin;

alter table analytics.ward_hour add column author_ids bigint[];
update analytics.ward_hour h
   set author_ids = coalesce((select array_agg(distinct p.author_id order by p.author_id) from core.post p
                               where p.city = h.ward_name and p.created_at >= h.bucket
                                 and p.created_at < h.bucket + interval '1 hour' and p.author_id is not null), '{}');
alter table analytics.ward_hour alter column author_ids set not null;
comment on column analytics.ward_hour.author_ids is 'Sorted distinct author ids of the hour''s posts (exact distinct counts).';

alter table analytics.ward_day add column author_ids bigint[];
update analytics.ward_day d
   set author_ids = coalesce((select array_agg(distinct a order by a)
                                from analytics.ward_hour h, unnest(h.author_ids) a
                               where h.ward_name = d.ward_name and h.bucket >= analytics.ist_day_start(d.day)
                                 and h.bucket < analytics.ist_day_start(d.day) + interval '1 day'), '{}');
alter table analytics.ward_day alter column author_ids set not null;
comment on column analytics.ward_day.author_ids is 'Distinct author ids of the day''s posts, ascending.';

create or replace function analytics.tg_post__rollup_insert()
returns trigger
language plpgsql
set search_path = pg_catalog, analytics, core
as $$
begin
    -- rows are upserted in key order so concurrent batches never deadlock on rollup rows; the
    -- bucket is analytics.bucket_start() written out (a function with a pinned search_path is
    -- not inlined, and this runs once per inserted row); day increments are the sums of the
    -- statement's hour increments, so new_rows is read once per pair of tables
    with inc as materialized (
        select n.city as ward_name, date_bin('1 hour', n.created_at, timestamptz '2000-01-01 00:30:00+00') as bucket,
               count(*) as posts,
               count(*) filter (where n.emotion = 'positive') as positive,
               count(*) filter (where n.emotion = 'negative') as negative,
               count(*) filter (where n.emotion = 'neutral') as neutral,
               count(*) filter (where n.emotion = 'mixed') as mixed,
               count(*) filter (where n.emotion = 'unknown') as unknown,
               coalesce(sum(e.sentiment_score), 0) as sentiment_sum, count(e.sentiment_score) as sentiment_n,
               coalesce(array_agg(distinct n.author_id order by n.author_id)
                        filter (where n.author_id is not null), '{}') as author_ids
          from new_rows n join core.emotion e on e.emotion = n.emotion
         group by 1, 2
    ), hours as (
        insert into analytics.ward_hour as h
        select i.* from inc i order by 1, 2
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
                                         from unnest(h.author_ids || excluded.author_ids) a) end
    ), day_authors as (
        select i.ward_name, analytics.ist_day(i.bucket) as day, array_agg(distinct a order by a) as author_ids
          from inc i, unnest(i.author_ids) a
         group by 1, 2
    )
    insert into analytics.ward_day as d
    select g.ward_name, g.day, g.posts, g.positive, g.negative, g.neutral, g.mixed, g.unknown, g.sentiment_sum,
           g.sentiment_n, coalesce(da.author_ids, '{}')
      from (select i.ward_name, analytics.ist_day(i.bucket) as day, sum(i.posts)::integer as posts,
                   sum(i.positive)::integer as positive, sum(i.negative)::integer as negative,
                   sum(i.neutral)::integer as neutral, sum(i.mixed)::integer as mixed,
                   sum(i.unknown)::integer as unknown, sum(i.sentiment_sum)::integer as sentiment_sum,
                   sum(i.sentiment_n)::integer as sentiment_n
              from inc i group by 1, 2) g
      left join day_authors da on da.ward_name = g.ward_name and da.day = g.day
     order by 1, 2
    on conflict (ward_name, day) do update
       set posts = d.posts + excluded.posts,
           positive = d.positive + excluded.positive,
           negative = d.negative + excluded.negative,
           neutral = d.neutral + excluded.neutral,
           mixed = d.mixed + excluded.mixed,
           unknown = d.unknown + excluded.unknown,
           sentiment_sum = d.sentiment_sum + excluded.sentiment_sum,
           sentiment_n = d.sentiment_n + excluded.sentiment_n,
           author_ids = case when excluded.author_ids <@ d.author_ids then d.author_ids
                             else (select array_agg(distinct a order by a)
                                     from unnest(d.author_ids || excluded.author_ids) a) end;
    with inc as materialized (
        select n.city as ward_name, date_bin('1 hour', n.created_at, timestamptz '2000-01-01 00:30:00+00') as bucket,
               n.party, count(*) as mentions,
               count(*) filter (where n.emotion = 'positive') as positive,
               count(*) filter (where n.emotion = 'negative') as negative,
               coalesce(sum(e.sentiment_score), 0) as sentiment_sum, count(e.sentiment_score) as sentiment_n
          from new_rows n join core.emotion e on e.emotion = n.emotion
         where n.party is not null
         group by 1, 2, 3
    ), hours as (
        insert into analytics.ward_hour_party as h
        select i.* from inc i order by 1, 2, 3
        on conflict (ward_name, bucket, party) do update
           set mentions = h.mentions + excluded.mentions,
               positive = h.positive + excluded.positive,
               negative = h.negative + excluded.negative,
               sentiment_sum = h.sentiment_sum + excluded.sentiment_sum,
               sentiment_n = h.sentiment_n + excluded.sentiment_n
    )
    insert into analytics.ward_day_party as d
    select i.ward_name, analytics.ist_day(i.bucket), i.party, sum(i.mentions), sum(i.positive), sum(i.negative),
           sum(i.sentiment_sum), sum(i.sentiment_n)
      from inc i
     group by 1, 2, 3
     order by 1, 2, 3
    on conflict (ward_name, day, party) do update
       set mentions = d.mentions + excluded.mentions,
           positive = d.positive + excluded.positive,
           negative = d.negative + excluded.negative,
           sentiment_sum = d.sentiment_sum + excluded.sentiment_sum,
           sentiment_n = d.sentiment_n + excluded.sentiment_n;
    return null;
end
$$;
comment on function analytics.tg_post__rollup_insert() is
    'Statement trigger on core.post: adds the inserted posts to the hour and day rollups (one '
    'aggregate per statement and table pair).';

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
           sum(h.unknown), sum(h.sentiment_sum), sum(h.sentiment_n),
           coalesce((select array_agg(distinct a order by a)
                       from analytics.ward_hour x, unnest(x.author_ids) a
                      where x.ward_name = k.ward_name and x.bucket >= analytics.ist_day_start(k.day)
                        and x.bucket < analytics.ist_day_start(k.day) + interval '1 day'), '{}')
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
    perform analytics.recompute_days((select jsonb_agg(distinct jsonb_build_object('w', k.ward_name,
                                                                                 'd', analytics.ist_day(k.bucket)))
                                        from pg_temp.rollup_keys k));
    return v_rows;
end
$$;
comment on function analytics.recompute_hours(jsonb) is
    'Recomputes the rollup rows of the given (ward, IST hour) pairs from core.post, then their '
    'days ([{"w": ward, "b": bucket}]); returns the number of hour rows written.';

commit;
