-- Deploy lokdarpan:analytics/rollup_backfill to pg
-- requires: analytics/rollup
-- requires: core/post
-- requires: core/ward
-- requires: audit/ward_access
-- analytics/rollup (v1.0.0, frozen) creates its hour and day rollups empty and keeps them by
-- statement triggers from then on: posts already in core.post when it is deployed are missing
-- from them (and so from the ward API). This change adds the batched, resumable recount that
-- fills them exactly while the application keeps writing; analytics/rollup_backfill_run calls it.
--
-- How a batch stays exact with the triggers live: a batch is one ward and a run of whole IST
-- hours. It takes SHARE ROW EXCLUSIVE on core.post itself (ONLY the partitioned parent: every
-- INSERT, UPDATE or DELETE that fires the rollup triggers targets the parent and holds ROW
-- EXCLUSIVE on it until it commits), so when the lock is granted no write with a trigger increment is in flight and
-- none can start; it then recounts the batch's hours from core.post, rebuilds the days they fall
-- in from the hours, records its position and commits. A trigger increment is therefore either
-- committed before the recount (and counted by it, as its post is) or runs after the commit on
-- top of the exact count: never both, never neither. Hours outside the batches hold only posts the
-- triggers have counted since analytics/rollup was deployed. Readers are not blocked (SHARE ROW
-- EXCLUSIVE does not conflict with ACCESS SHARE); two runs at once take turns batch by batch (the
-- mode conflicts with itself: a batch recounted twice, never a wrong count); writers wait for one
-- batch at most, and the batch size adapts so that a batch holds the lock for about p_target_ms (default 50 ms). The lock is
-- taken with a short lock_timeout ramp (50 ms growing to 200 ms, pauses 50 ms to 2 s), so a
-- waiting lock never queues the application behind it for long.
-- Partitions are not locked: autovacuum (SHARE UPDATE EXCLUSIVE on a partition) goes on; rows
-- written straight into a partition bypass core.post's statement triggers anyway.

begin;

create table analytics.rollup_backfill (
    ward_name    text not null,
    next_bucket  timestamptz,
    end_bucket   timestamptz,
    posts        bigint not null default 0,
    batches      integer not null default 0,
    started_at   timestamptz not null default now(),
    finished_at  timestamptz,
    constraint pk_rollup_backfill primary key (ward_name),
    constraint fk_rollup_backfill__ward foreign key (ward_name) references core.ward (ward_name),
    constraint ck_rollup_backfill__range check (next_bucket <= end_bucket or finished_at is not null)
);
comment on table analytics.rollup_backfill is
    'Progress of analytics.backfill_rollups(), one row per ward of core.ward when the run started: '
    'the IST hours from next_bucket to end_bucket are still to be recounted (finished_at set: the '
    'ward is done). Maintenance bookkeeping; a run killed half-way resumes from here.';
comment on column analytics.rollup_backfill.next_bucket is
    'The first IST hour not yet recounted (hours before it are exact); NULL for a ward without posts.';
comment on column analytics.rollup_backfill.end_bucket is
    'The IST hour after the ward''s newest post when the run started: later hours hold only posts '
    'the triggers counted.';
comment on column analytics.rollup_backfill.posts is 'Posts recounted so far (the sum over its batches).';
comment on column analytics.rollup_backfill.batches is 'Batches committed so far.';

create function analytics.rollup_backfill_batch(p_ward text, p_lo timestamptz, p_hi timestamptz)
returns bigint
language plpgsql
volatile
set search_path = pg_catalog, analytics, core
as $$
declare
    v_first date;
    v_last  date;
    v_posts bigint;
begin
    if p_lo is null or p_hi is null or p_hi <= p_lo then
        return 0;
    end if;
    if p_lo <> analytics.bucket_start(p_lo) or p_hi <> analytics.bucket_start(p_hi) then
        raise exception 'analytics.rollup_backfill_batch: % and % must be IST hour starts (hh:30 UTC)', p_lo, p_hi
              using errcode = '22023';
    end if;
    v_first := analytics.ist_day(p_lo);
    v_last := analytics.ist_day(p_hi - interval '1 hour');
    -- the hours, from the posts: analytics.recompute_hours' aggregate, over a range instead of a
    -- key set (one ward + time index range for the batch, not a probe and a jsonb key per
    -- (ward, hour): at 1,000,000 posts a ward-hour holds about one post)
    delete from analytics.ward_hour_party h where h.ward_name = p_ward and h.bucket >= p_lo and h.bucket < p_hi;
    delete from analytics.ward_hour h where h.ward_name = p_ward and h.bucket >= p_lo and h.bucket < p_hi;
    insert into analytics.ward_hour
    select p.city, analytics.bucket_start(p.created_at), count(*),
           count(*) filter (where p.emotion = 'positive'), count(*) filter (where p.emotion = 'negative'),
           count(*) filter (where p.emotion = 'neutral'), count(*) filter (where p.emotion = 'mixed'),
           count(*) filter (where p.emotion = 'unknown'),
           coalesce(sum(e.sentiment_score), 0), count(e.sentiment_score)
      from core.post p
      join core.emotion e on e.emotion = p.emotion
     where p.city = p_ward and p.created_at >= p_lo and p.created_at < p_hi
     group by 1, 2
     order by 1, 2;
    insert into analytics.ward_hour_party
    select p.city, analytics.bucket_start(p.created_at), p.party, count(*),
           count(*) filter (where p.emotion = 'positive'), count(*) filter (where p.emotion = 'negative'),
           coalesce(sum(e.sentiment_score), 0), count(e.sentiment_score)
      from core.post p
      join core.emotion e on e.emotion = p.emotion
     where p.city = p_ward and p.created_at >= p_lo and p.created_at < p_hi and p.party is not null
     group by 1, 2, 3
     order by 1, 2, 3;
    -- the days the hours fall in, from all their hours (those of other batches included): a day
    -- stays the sum of its hours at every commit, as the triggers keep it
    delete from analytics.ward_day_party d where d.ward_name = p_ward and d.day between v_first and v_last;
    delete from analytics.ward_day d where d.ward_name = p_ward and d.day between v_first and v_last;
    insert into analytics.ward_day
    select h.ward_name, analytics.ist_day(h.bucket), sum(h.posts), sum(h.positive), sum(h.negative),
           sum(h.neutral), sum(h.mixed), sum(h.unknown), sum(h.sentiment_sum), sum(h.sentiment_n)
      from analytics.ward_hour h
     where h.ward_name = p_ward and h.bucket >= analytics.ist_day_start(v_first)
       and h.bucket < analytics.ist_day_start(v_last + 1)
     group by 1, 2
     order by 1, 2;
    insert into analytics.ward_day_party
    select h.ward_name, analytics.ist_day(h.bucket), h.party, sum(h.mentions), sum(h.positive), sum(h.negative),
           sum(h.sentiment_sum), sum(h.sentiment_n)
      from analytics.ward_hour_party h
     where h.ward_name = p_ward and h.bucket >= analytics.ist_day_start(v_first)
       and h.bucket < analytics.ist_day_start(v_last + 1)
     group by 1, 2, 3
     order by 1, 2, 3;
    select coalesce(sum(h.posts), 0) into v_posts
      from analytics.ward_hour h where h.ward_name = p_ward and h.bucket >= p_lo and h.bucket < p_hi;
    return v_posts;
end
$$;
comment on function analytics.rollup_backfill_batch(text, timestamptz, timestamptz) is
    'Recounts the hour rollups of ward p_ward for the IST hours in [p_lo, p_hi) (both hour starts) '
    'from core.post and rebuilds the day rollups of the IST days they fall in from the hours; '
    'returns the posts counted. Exact only while no write to core.post is in flight: '
    'analytics.backfill_rollups() calls it under SHARE ROW EXCLUSIVE on core.post. Cost: the posts of the range '
    '(ward + time index) and the hour rows of its days.';

create function analytics.rollup_backfill_pending()
returns integer
language sql
stable
set search_path = pg_catalog, analytics, core
as $$
    select case when exists (select 1 from analytics.rollup_backfill)
                then (select count(*)::int from analytics.rollup_backfill b where b.finished_at is null)
                else (select count(*)::int from core.ward) end
$$;
comment on function analytics.rollup_backfill_pending() is
    'Wards whose rollups analytics.backfill_rollups() has not finished recounting (every ward of '
    'core.ward before the first run; 0 once a run finished). Reads analytics.rollup_backfill (one '
    'row per ward).';

-- no SET search_path: PostgreSQL refuses transaction control in a procedure that has one, so
-- every name below is schema-qualified and the recount itself runs in the pinned function above
create procedure analytics.backfill_rollups(
    p_target_ms integer default 50,
    p_batch_posts integer default null,
    p_max_batches integer default null,
    p_lock_budget interval default interval '60 seconds'
)
language plpgsql
as $$
declare
    v_ward     text;
    v_lo       timestamptz;
    v_end      timestamptz;
    v_hi       timestamptz;
    v_batch    integer := coalesce(p_batch_posts, 1000);
    v_timeout  double precision;
    v_pause    double precision;
    v_since    timestamptz;
    v_t0       timestamptz;
    v_held_ms  double precision;
    v_posts    bigint;
    v_done     boolean;
    v_batches  integer := 0;
    v_total    bigint := 0;
    v_retries  integer := 0;
    v_said     timestamptz := clock_timestamp();
begin
    if p_batch_posts is not null and p_batch_posts < 1 then
        raise exception 'analytics.backfill_rollups: p_batch_posts must be at least 1, not %', p_batch_posts
              using errcode = '22023';
    end if;
    if p_target_ms is null or p_target_ms < 1 then
        raise exception 'analytics.backfill_rollups: p_target_ms must be a positive number of milliseconds, not %',
              p_target_ms using errcode = '22023';
    end if;
    -- one row per ward, each with the range of hours its posts cover now (two index probes a
    -- ward); a ward without posts is finished at once. A second run keeps the rows it finds.
    insert into analytics.rollup_backfill as b (ward_name, next_bucket, end_bucket, finished_at)
    select w.ward_name, analytics.bucket_start(r.lo), analytics.bucket_start(r.hi) + interval '1 hour',
           case when r.lo is null then pg_catalog.now() end
      from core.ward w
     cross join lateral (select (select p.created_at from core.post p where p.city = w.ward_name
                                  order by p.created_at limit 1) as lo,
                                (select p.created_at from core.post p where p.city = w.ward_name
                                  order by p.created_at desc limit 1) as hi) r
     order by w.ward_name
    on conflict (ward_name) do nothing;
    commit;
    for v_ward in select b.ward_name from analytics.rollup_backfill b where b.finished_at is null
                   order by b.ward_name loop
        loop
            select b.next_bucket, b.end_bucket into v_lo, v_end
              from analytics.rollup_backfill b where b.ward_name = v_ward;
            exit when v_lo is null or v_lo >= v_end;
            exit when p_max_batches is not null and v_batches >= p_max_batches;
            -- the hour after the v_batch-th post from v_lo on (ward + time index): no lock needed
            select analytics.bucket_start(p.created_at) + interval '1 hour' into v_hi
              from core.post p
             where p.city = v_ward and p.created_at >= v_lo
             order by p.created_at
            offset v_batch - 1 limit 1;
            if v_hi is null or v_hi > v_end then
                v_hi := v_end;
            end if;
            v_timeout := 50;
            v_pause := 0.05;
            v_since := clock_timestamp();
            loop
                v_done := false;
                begin
                    perform pg_catalog.set_config('lock_timeout', v_timeout::int || 'ms', true);
                    lock table only core.post in share row exclusive mode;
                    v_t0 := clock_timestamp();
                    v_posts := analytics.rollup_backfill_batch(v_ward, v_lo, v_hi);
                    update analytics.rollup_backfill b
                       set next_bucket = v_hi, posts = b.posts + v_posts, batches = b.batches + 1
                     where b.ward_name = v_ward;
                    v_held_ms := extract(epoch from clock_timestamp() - v_t0) * 1000;
                    v_done := true;
                exception when lock_not_available or deadlock_detected then
                    v_retries := v_retries + 1;
                end;
                commit;
                exit when v_done;
                if clock_timestamp() - v_since > p_lock_budget then
                    raise exception 'analytics.backfill_rollups: could not take SHARE ROW EXCLUSIVE on core.post for ward % '
                                    'within %: a transaction writing core.post stays open (pg_stat_activity); '
                                    'the batches done so far are kept, run it again', v_ward, p_lock_budget
                          using errcode = '55P03';
                end if;
                perform pg_catalog.pg_sleep(v_pause * (0.5 + random()));
                v_timeout := least(200, v_timeout * 1.5);
                v_pause := least(2.0, v_pause * 2);
            end loop;
            v_batches := v_batches + 1;
            v_total := v_total + v_posts;
            -- the next batch aims at p_target_ms of lock (unless p_batch_posts fixed its size)
            if p_batch_posts is not null then
                null;
            elsif v_held_ms > p_target_ms then
                v_batch := greatest(50, (v_batch * p_target_ms / v_held_ms)::int);
            elsif v_held_ms < p_target_ms / 2.0 then
                v_batch := least(100000, v_batch * 2);
            end if;
            if clock_timestamp() - v_said > interval '10 seconds' then
                raise notice 'analytics.backfill_rollups: % of % wards left, % posts recounted in % batches '
                             '(% lock retries), % posts a batch now',
                      analytics.rollup_backfill_pending(), (select count(*) from analytics.rollup_backfill),
                      v_total, v_batches, v_retries, v_batch;
                v_said := clock_timestamp();
            end if;
        end loop;
        exit when p_max_batches is not null and v_batches >= p_max_batches;
        update analytics.rollup_backfill b set finished_at = pg_catalog.now() where b.ward_name = v_ward;
        commit;
    end loop;
    raise notice 'analytics.backfill_rollups: % posts recounted in % batches (% lock retries); % wards left',
          v_total, v_batches, v_retries, analytics.rollup_backfill_pending();
end
$$;
comment on procedure analytics.backfill_rollups(integer, integer, integer, interval) is
    'Recounts the hour and day rollups of every ward from core.post in short batches (one ward, '
    'whole IST hours, ~p_target_ms ms under SHARE ROW EXCLUSIVE on core.post each, committed one by one), exact '
    'while the application writes: fills in the posts that were in core.post before analytics/rollup. '
    'Resumable (analytics.rollup_backfill), a no-op once finished or on an empty core.post. '
    'p_batch_posts fixes the batch size instead (posts; a batch never splits an hour); p_max_batches stops after that many batches (the rest on the next call); p_lock_budget: how long '
    'one batch may retry its lock before the call fails (55P03). Must be CALLed outside a transaction '
    'block. Reports progress as NOTICEs every 10 s.';

-- a ward column, but no ward data: the row-level security check of audit.ward_scoped_table is
-- told why (no role is granted the table)
insert into audit.ward_rls_exemption (table_schema, table_name, reason) values
    ('analytics', 'rollup_backfill', 'maintenance progress of analytics.backfill_rollups (an hour position and '
     'a count per ward), granted to no role: not ward data');

revoke all on procedure analytics.backfill_rollups(integer, integer, integer, interval) from public;
revoke all on function analytics.rollup_backfill_batch(text, timestamptz, timestamptz) from public;

commit;
