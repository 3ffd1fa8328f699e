-- Deploy lokdarpan:analytics/rollup to pg
-- requires: analytics/schema
-- requires: core/post
-- Per-ward, per-hour rollups of core.post, kept exactly in step with it by statement triggers
-- (one set-based aggregate per INSERT; affected hours recomputed from core.post on UPDATE and
-- DELETE), so the ward functions read a few hundred rollup rows instead of scanning posts.
-- Hours are Hyderabad hours (IST, UTC+05:30, no daylight saving), so they add up to IST days.
-- Distinct authors stay exact: each hour keeps the sorted set of its authors' ids.

begin;

create function analytics.bucket_start(p_at timestamptz)
returns timestamptz
language sql
immutable
strict
parallel safe
set search_path = pg_catalog
as $$
    select date_bin('1 hour', p_at, timestamptz '2000-01-01 00:30:00+00')
$$;
comment on function analytics.bucket_start(timestamptz) is
    'Start of the Hyderabad (IST) hour holding p_at: IST hours begin at hh:30 UTC.';

create function analytics.ist_day(p_at timestamptz)
returns date
language sql
immutable
strict
parallel safe
set search_path = pg_catalog
as $$
    select ((p_at + interval '5 hours 30 minutes') at time zone 'UTC')::date
$$;
comment on function analytics.ist_day(timestamptz) is 'Calendar day in Hyderabad (IST, UTC+05:30) of p_at.';

create table analytics.ward_hour (
    ward_name        text not null references core.ward (ward_name),
    bucket           timestamptz not null,
    posts            integer not null,
    positive         integer not null,
    negative         integer not null,
    neutral          integer not null,
    mixed            integer not null,
    unknown          integer not null,
    sentiment_sum    integer not null,
    sentiment_n      integer not null,
    author_ids       bigint[] not null,
    constraint pk_ward_hour primary key (ward_name, bucket),
    constraint ck_ward_hour__counts check (posts = positive + negative + neutral + mixed + unknown
                                           and posts > 0 and sentiment_n <= posts)
);
comment on table analytics.ward_hour is
    'Posts per ward per Hyderabad hour, maintained by triggers on core.post (exact).';
comment on column analytics.ward_hour.bucket is 'Start of the IST hour (analytics.bucket_start).';
comment on column analytics.ward_hour.sentiment_sum is
    'Sum of core.emotion.sentiment_score over the hour''s posts (positive 1, negative -1, neutral/mixed 0).';
comment on column analytics.ward_hour.sentiment_n is 'Posts with a known sentiment score (emotion not unknown).';
comment on column analytics.ward_hour.author_ids is 'Sorted distinct author ids of the hour''s posts (exact distinct counts).';

create table analytics.ward_hour_party (
    ward_name      text not null,
    bucket         timestamptz not null,
    party          text not null references core.party (party),
    mentions       integer not null,
    positive       integer not null,
    negative       integer not null,
    sentiment_sum  integer not null,
    sentiment_n    integer not null,
    constraint pk_ward_hour_party primary key (ward_name, bucket, party),
    constraint fk_ward_hour_party__ward_hour foreign key (ward_name, bucket)
        references analytics.ward_hour (ward_name, bucket) on delete cascade,
    constraint ck_ward_hour_party__counts check (mentions > 0 and sentiment_n <= mentions)
);
create index ix_ward_hour_party__party on analytics.ward_hour_party (party);
comment on table analytics.ward_hour_party is
    'Posts mentioning each party per ward per Hyderabad hour, maintained with analytics.ward_hour.';

-- aggregate a set of posts into hour rows (shared by the insert path and recomputation)
create function analytics.recompute_hours(p_keys jsonb)
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

create function analytics.tg_post__rollup_insert()
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

create function analytics.tg_post__rollup_change()
returns trigger
language plpgsql
set search_path = pg_catalog, analytics, core
as $$
declare
    v_keys jsonb;
begin
    if tg_op = 'DELETE' then
        select jsonb_agg(distinct jsonb_build_object('w', o.city, 'b', analytics.bucket_start(o.created_at)))
          into v_keys from old_rows o;
    else
        select jsonb_agg(distinct k) into v_keys
          from (select jsonb_build_object('w', o.city, 'b', analytics.bucket_start(o.created_at)) k from old_rows o
                union all
                select jsonb_build_object('w', n.city, 'b', analytics.bucket_start(n.created_at)) from new_rows n) s;
    end if;
    if v_keys is not null then
        perform analytics.recompute_hours(v_keys);
    end if;
    return null;
end
$$;
comment on function analytics.tg_post__rollup_change() is
    'Statement trigger on core.post for UPDATE/DELETE: recomputes the touched (ward, hour) rollups from core.post.';

create function analytics.tg_post__rollup_truncate()
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

create trigger tg_post__rollup_insert after insert on core.post referencing new table as new_rows
    for each statement execute function analytics.tg_post__rollup_insert();
create trigger tg_post__rollup_update after update on core.post
    referencing old table as old_rows new table as new_rows
    for each statement execute function analytics.tg_post__rollup_change();
create trigger tg_post__rollup_delete after delete on core.post referencing old table as old_rows
    for each statement execute function analytics.tg_post__rollup_change();
create trigger tg_post__rollup_truncate after truncate on core.post
    for each statement execute function analytics.tg_post__rollup_truncate();

create function analytics.rollup_drift(p_from timestamptz default '-infinity', p_to timestamptz default 'infinity')
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

commit;
