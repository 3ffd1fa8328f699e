-- Deploy lokdarpan:analytics/day_rollup to pg
-- requires: analytics/rollup
-- requires: analytics/ward_window
-- requires: audit/analytics_ingest_access
-- At 10 million posts a 30-day ward window read ~720 hour rows and ~5,000 hour-party rows, and
-- the ward functions missed their 5 ms. Per-ward per-IST-day rollups, kept exactly beside the
-- hour rollups in the same statement, let a window read whole days from the day rows (30 + 9
-- parties x 30), whole hours only at its two ends, and posts only in its two partial hours.
-- The day increments are summed from the statement's hour increments, so new_rows is still
-- read once per table pair; UPDATE / DELETE / TRUNCATE recompute the touched days from the
-- hour rows they have just recomputed. analytics.day_rollup_drift() shows any disagreement.

begin;

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
    author_ids       bigint[] not null,
    constraint pk_ward_day primary key (ward_name, day),
    constraint fk_ward_day__ward foreign key (ward_name) references core.ward (ward_name),
    constraint ck_ward_day__counts check (posts = positive + negative + neutral + mixed + unknown
                                          and posts > 0 and sentiment_n <= posts)
);
comment on table analytics.ward_day is
    'Posts per ward per Hyderabad (IST) day: the sums of analytics.ward_hour over the day, kept '
    'by the same triggers on core.post (exact).';
comment on column analytics.ward_day.author_ids is 'Distinct author ids of the day''s posts, ascending.';

create table analytics.ward_day_party (
    ward_name      text not null,
    day            date not null,
    party          text not null,
    mentions       integer not null,
    positive       integer not null,
    negative       integer not null,
    sentiment_sum  integer not null,
    sentiment_n    integer not null,
    constraint pk_ward_day_party primary key (ward_name, day, party),
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

create or replace function analytics.tg_post__rollup_truncate()
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

create or replace function analytics.ward_window(p_ward text, p_lo timestamptz, p_hi timestamptz,
                                                  p_detail boolean default true, p_authors boolean default true)
returns analytics.window_stat
language plpgsql
stable
parallel safe
set search_path = pg_catalog, analytics, core
set plan_cache_mode = force_generic_plan
as $$
declare
    v_hi       timestamptz := greatest(p_lo, p_hi);
    v_full_lo  timestamptz := analytics.bucket_start(p_lo);
    v_full_hi  timestamptz := analytics.bucket_start(greatest(p_lo, p_hi));
    v_day_lo   timestamptz;
    v_day_hi   timestamptz;
    v_d_lo     date;
    v_d_hi     date;
    v_r        analytics.window_stat;
    v_e        analytics.window_stat;
begin
    -- [p_lo, v_full_lo) and [v_full_hi, v_hi): posts; [v_full_lo, v_day_lo) and
    -- [v_day_hi, v_full_hi): hour rollups; [v_day_lo, v_day_hi): day rollups
    if v_full_lo < p_lo then
        v_full_lo := v_full_lo + interval '1 hour';
    end if;
    if v_full_lo >= v_full_hi then  -- no whole hour inside: the window is all edge
        v_full_lo := v_hi;
        v_full_hi := v_hi;
    end if;
    v_day_lo := date_bin('1 day', v_full_lo, timestamptz '2000-01-01 18:30:00+00');  -- IST midnights
    if v_day_lo < v_full_lo then
        v_day_lo := v_day_lo + interval '1 day';
    end if;
    v_day_hi := date_bin('1 day', v_full_hi, timestamptz '2000-01-01 18:30:00+00');
    if v_day_lo >= v_day_hi then  -- no whole day inside: hours only
        v_day_lo := v_full_hi;
        v_day_hi := v_full_hi;
    end if;
    v_d_lo := analytics.ist_day(v_day_lo);
    v_d_hi := case when v_day_hi > v_day_lo then analytics.ist_day(v_day_hi) else v_d_lo end;
    select coalesce(sum(x.posts), 0), coalesce(sum(x.positive), 0), coalesce(sum(x.negative), 0),
           coalesce(sum(x.neutral), 0), coalesce(sum(x.mixed), 0), coalesce(sum(x.unknown), 0),
           coalesce(sum(x.sentiment_sum), 0), coalesce(sum(x.sentiment_n), 0)
      into v_r.posts, v_r.positive, v_r.negative, v_r.neutral, v_r.mixed, v_r.unknown,
           v_r.sentiment_sum, v_r.sentiment_n
      from (select d.posts, d.positive, d.negative, d.neutral, d.mixed, d.unknown, d.sentiment_sum, d.sentiment_n
              from analytics.ward_day d
             where d.ward_name = p_ward and d.day >= v_d_lo and d.day < v_d_hi
            union all
            select h.posts, h.positive, h.negative, h.neutral, h.mixed, h.unknown, h.sentiment_sum, h.sentiment_n
              from analytics.ward_hour h
             where h.ward_name = p_ward and h.bucket >= v_full_lo and h.bucket < v_day_lo
            union all
            select h.posts, h.positive, h.negative, h.neutral, h.mixed, h.unknown, h.sentiment_sum, h.sentiment_n
              from analytics.ward_hour h
             where h.ward_name = p_ward and h.bucket >= v_day_hi and h.bucket < v_full_hi) x;
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
      from (select unnest(d.author_ids) as a from analytics.ward_day d
             where d.ward_name = p_ward and d.day >= v_d_lo and d.day < v_d_hi
            union all
            select unnest(h.author_ids) from analytics.ward_hour h
             where h.ward_name = p_ward and h.bucket >= v_full_lo and h.bucket < v_day_lo
            union all
            select unnest(h.author_ids) from analytics.ward_hour h
             where h.ward_name = p_ward and h.bucket >= v_day_hi and h.bucket < v_full_hi
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
              from (select d.party, d.mentions::bigint as m, d.sentiment_sum::bigint as s, d.sentiment_n::bigint as n
                      from analytics.ward_day_party d
                     where d.ward_name = p_ward and d.day >= v_d_lo and d.day < v_d_hi
                    union all
                    select h.party, h.mentions, h.sentiment_sum, h.sentiment_n
                      from analytics.ward_hour_party h
                     where h.ward_name = p_ward and h.bucket >= v_full_lo and h.bucket < v_day_lo
                    union all
                    select h.party, h.mentions, h.sentiment_sum, h.sentiment_n
                      from analytics.ward_hour_party h
                     where h.ward_name = p_ward and h.bucket >= v_day_hi and h.bucket < v_full_hi
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
    'created_at in [p_lo, p_hi): whole IST days from the day rollups, whole IST hours at both '
    'ends from the hour rollups, partial hours at both edges from core.post (index range scans on '
    'ward + time, partitions pruned). With p_detail false only the counts are computed (authors '
    'and parties left NULL); with p_authors false the distinct authors are skipped (NULL). Cost: '
    'about 30 day rows and up to 46 hour rows for a 30-day window (times the parties for the '
    'breakdown), plus the distinct authors of the window when p_detail.';

create function analytics.day_rollup_drift()
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

-- the same access as the hour rollups (audit/analytics_ingest_access)
select audit.enable_ward_rls('analytics.ward_day'::regclass, 'ward_name');
select audit.enable_ward_rls('analytics.ward_day_party'::regclass, 'ward_name');
grant select on analytics.ward_day, analytics.ward_day_party to lokdarpan_readonly, lokdarpan_app;
grant select, insert, update, delete on analytics.ward_day, analytics.ward_day_party to lokdarpan_ingest;

-- the days of the posts already stored
select analytics.recompute_days((select jsonb_agg(jsonb_build_object('w', k.ward_name, 'd', k.day))
                                   from (select distinct h.ward_name, analytics.ist_day(h.bucket) as day
                                           from analytics.ward_hour h) k));

commit;
