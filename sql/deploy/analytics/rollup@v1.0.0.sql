-- Deploy lokdarpan:analytics/rollup to pg
-- requires: analytics/schema
-- requires: core/post
-- Per-ward rollups of core.post by Hyderabad hour and by Hyderabad (IST) day, kept exactly in
-- step with it by statement triggers (one set-based aggregate per INSERT and table pair;
-- affected hours recomputed from core.post, then their days from the hours, on UPDATE and
-- DELETE), so the ward functions read a few hundred rollup rows instead of scanning posts: a
-- 30-day window reads ~30 day rows, whole hours only at its two ends, and posts only in its two
-- partial hours. IST has no daylight saving, so hours add up to days.
-- The rollups keep counts and sentiment only (distinct authors live in analytics.ward_author).
-- Their primary keys INCLUDE the columns the ward functions read, so a window's rows come from
-- index-only scans (a ward's rows otherwise sit one or two to a heap page among every other
-- ward's).

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

create function analytics.ist_day_start(p_day date)
returns timestamptz
language sql
immutable
strict
parallel safe
set search_path = pg_catalog
as $$
    select (p_day::timestamp - interval '5 hours 30 minutes') at time zone 'UTC'
$$;
comment on function analytics.ist_day_start(date) is
    'Start (midnight in Hyderabad, 18:30 UTC the day before) of IST calendar day p_day.';

create table analytics.ward_hour (
    ward_name        text not null,
    bucket           timestamptz not null,
    posts            integer not null,
    positive         integer not null,
    negative         integer not null,
    neutral          integer not null,
    mixed            integer not null,
    unknown          integer not null,
    sentiment_sum    integer not null,
    sentiment_n      integer not null,
    constraint pk_ward_hour primary key (ward_name, bucket)
        include (posts, positive, negative, neutral, mixed, unknown, sentiment_sum, sentiment_n),
    constraint fk_ward_hour__ward foreign key (ward_name) references core.ward (ward_name),
    constraint ck_ward_hour__counts check (posts = positive + negative + neutral + mixed + unknown
                                           and posts > 0 and sentiment_n <= posts)
);
comment on table analytics.ward_hour is
    'Posts per ward per Hyderabad hour, maintained by triggers on core.post (exact).';
comment on column analytics.ward_hour.bucket is 'Start of the IST hour (analytics.bucket_start).';
comment on column analytics.ward_hour.sentiment_sum is
    'Sum of core.emotion.sentiment_score over the hour''s posts (positive 1, negative -1, neutral/mixed 0).';
comment on column analytics.ward_hour.sentiment_n is 'Posts with a known sentiment score (emotion not unknown).';

create table analytics.ward_hour_party (
    ward_name      text not null,
    bucket         timestamptz not null,
    party          text not null,
    mentions       integer not null,
    positive       integer not null,
    negative       integer not null,
    sentiment_sum  integer not null,
    sentiment_n    integer not null,
    constraint pk_ward_hour_party primary key (ward_name, bucket, party)
        include (mentions, sentiment_sum, sentiment_n),
    constraint fk_ward_hour_party__party foreign key (party) references core.party (party),
    constraint fk_ward_hour_party__ward_hour foreign key (ward_name, bucket)
        references analytics.ward_hour (ward_name, bucket) on delete cascade,
    constraint ck_ward_hour_party__counts check (mentions > 0 and sentiment_n <= mentions)
);
create index ix_ward_hour_party__party on analytics.ward_hour_party (party);
comment on table analytics.ward_hour_party is
    'Posts mentioning each party per ward per Hyderabad hour, maintained with analytics.ward_hour.';

create table analytics.ward_day (
    ward_name        text not null,
    day              date not null,
    posts            integer not null,
    positive         integer not null,
    negative         integer not null,
    neutral          integer not null,
    mixed            integer not null,
    unknown          integer not null,
    sentiment_sum    integer not null,
    sentiment_n      integer not null,
    constraint pk_ward_day primary key (ward_name, day)
        include (posts, positive, negative, neutral, mixed, unknown, sentiment_sum, sentiment_n),
    constraint fk_ward_day__ward foreign key (ward_name) references core.ward (ward_name),
    constraint ck_ward_day__counts check (posts = positive + negative + neutral + mixed + unknown
                                          and posts > 0 and sentiment_n <= posts)
);
comment on table analytics.ward_day is
    'Posts per ward per Hyderabad (IST) day: the sums of analytics.ward_hour over the day, kept '
    'by the same triggers on core.post (exact).';

create table analytics.ward_day_party (
    ward_name      text not null,
    day            date not null,
    party          text not null,
    mentions       integer not null,
    positive       integer not null,
    negative       integer not null,
    sentiment_sum  integer not null,
    sentiment_n    integer not null,
    constraint pk_ward_day_party primary key (ward_name, day, party)
        include (mentions, sentiment_sum, sentiment_n),
    constraint fk_ward_day_party__ward_day foreign key (ward_name, day)
        references analytics.ward_day (ward_name, day) on delete cascade,
    constraint fk_ward_day_party__party foreign key (party) references core.party (party),
    constraint ck_ward_day_party__counts check (mentions > 0 and sentiment_n <= mentions)
);
create index ix_ward_day_party__party on analytics.ward_day_party (party);
comment on table analytics.ward_day_party is
    'Posts mentioning each party per ward per Hyderabad day: the sums of analytics.ward_hour_party '
    'over the day (exact).';

create function analytics.recompute_days(p_keys jsonb)
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

create function analytics.tg_post__rollup_insert()
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
               coalesce(sum(e.sentiment_score), 0) as sentiment_sum, count(e.sentiment_score) as sentiment_n
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
               sentiment_n = h.sentiment_n + excluded.sentiment_n
    )
    insert into analytics.ward_day as d
    select i.ward_name, ((i.bucket + interval '5 hours 30 minutes') at time zone 'UTC')::date,
           sum(i.posts), sum(i.positive), sum(i.negative), sum(i.neutral), sum(i.mixed), sum(i.unknown),
           sum(i.sentiment_sum), sum(i.sentiment_n)
      from inc i
     group by 1, 2
     order by 1, 2
    on conflict (ward_name, day) do update
       set posts = d.posts + excluded.posts,
           positive = d.positive + excluded.positive,
           negative = d.negative + excluded.negative,
           neutral = d.neutral + excluded.neutral,
           mixed = d.mixed + excluded.mixed,
           unknown = d.unknown + excluded.unknown,
           sentiment_sum = d.sentiment_sum + excluded.sentiment_sum,
           sentiment_n = d.sentiment_n + excluded.sentiment_n;
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
    select i.ward_name, ((i.bucket + interval '5 hours 30 minutes') at time zone 'UTC')::date, i.party,
           sum(i.mentions), sum(i.positive), sum(i.negative), sum(i.sentiment_sum), sum(i.sentiment_n)
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
    'aggregate per statement and table pair; counts and sentiment only, authors live in '
    'analytics.ward_author).';

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
    truncate analytics.ward_day_party, analytics.ward_day, analytics.ward_hour_party, analytics.ward_hour;
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
               count(*) filter (where p.emotion = 'positive') as positive,
               count(*) filter (where p.party is not null) as with_party
          from core.post p, bounds b
         where p.created_at >= b.lo and p.created_at < b.hi
         group by 1, 2
    ), kept as (
        select h.ward_name, h.bucket, h.posts, h.positive,
               (select coalesce(sum(x.mentions), 0) from analytics.ward_hour_party x
                 where x.ward_name = h.ward_name and x.bucket = h.bucket) as with_party
          from analytics.ward_hour h, bounds b
         where h.bucket >= b.lo and h.bucket < b.hi
    )
    select coalesce(f.ward_name, k.ward_name), coalesce(f.bucket, k.bucket), k.posts::bigint, f.posts
      from fresh f full join kept k on k.ward_name = f.ward_name and k.bucket = f.bucket
     where f.posts is distinct from k.posts or f.positive is distinct from k.positive
        or f.with_party is distinct from k.with_party
$$;
comment on function analytics.rollup_drift(timestamptz, timestamptz) is
    'Hours whose rollup disagrees with a from-scratch recomputation over core.post, for the IST '
    'hours in [p_from, p_to) (rounded down to hours): empty when the rollups are exact. Scans '
    'the posts of the range.';

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
    ), fresh_party as (
        select h.ward_name, analytics.ist_day(h.bucket) as day, h.party, sum(h.mentions) as m,
               sum(h.positive) as positive, sum(h.negative) as negative, sum(h.sentiment_sum) as s,
               sum(h.sentiment_n) as n
          from analytics.ward_hour_party h where h.bucket >= v_at group by 1, 2, 3
    )
    select coalesce(f.ward_name, d.ward_name), coalesce(f.day, d.day), null::text, d.posts::bigint, f.posts::bigint
      from fresh f
      full join (select * from analytics.ward_day y where y.day >= p_from) d
        on d.ward_name = f.ward_name and d.day = f.day
     where f.posts is distinct from d.posts or f.positive is distinct from d.positive
        or f.negative is distinct from d.negative or f.neutral is distinct from d.neutral
        or f.mixed is distinct from d.mixed or f.unknown is distinct from d.unknown
        or f.s is distinct from d.sentiment_sum or f.n is distinct from d.sentiment_n
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

create function analytics.day_rollup_drift()
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

commit;
