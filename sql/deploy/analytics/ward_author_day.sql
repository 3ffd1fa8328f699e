-- Deploy lokdarpan:analytics/ward_author_day to pg
-- requires: analytics/ward_author_unchecked
-- requires: analytics/derived_checks
-- Distinct authors of a window ending now were one index count over analytics.ward_author:
-- ~4,600 entries for a busy ward's 30 days at 10,000,000 posts, ~0.6 ms of the ~2.1 ms of CPU
-- a get_ward_intelligence_fast call costs (50 clients: 659 calls/s, target 1,000). A histogram
-- analytics.ward_author_day (ward, IST day of the author's newest post there -> authors) now
-- answers the whole days (~30 rows) and ward_author only the window's first partial day. The
-- triggers keep it exact: an upsert of ward_author records the time it replaced in moved_from
-- and returns it, so each author moving to a newer day is -1 on the old day and +1 on the new
-- one, in the same statement and under the same row lock (PostgreSQL 15 has no RETURNING old).
-- ward_window also writes the hour and IST-day expressions inline: analytics.bucket_start and
-- analytics.ist_day pin search_path, so they are called (~5-10 us each), not inlined.

begin;

alter table analytics.ward_author add column moved_from timestamptz;
comment on column analytics.ward_author.moved_from is
    'The last_post_at this row''s newest update replaced (NULL until the first): how the insert '
    'trigger learns which day of analytics.ward_author_day an author left. Maintenance detail.';

create table analytics.ward_author_day (
    ward_name  text not null,
    day        date not null,
    authors    integer not null,
    constraint pk_ward_author_day primary key (ward_name, day),
    -- checked only when a (ward, day) row is new (~145 a day): the upserts never change the key
    constraint fk_ward_author_day__ward foreign key (ward_name) references core.ward (ward_name)
);
-- no check (authors >= 0): PostgreSQL checks the row an upsert proposes before it finds the
-- conflict, and a day's decrement arrives as a proposed row of -n; a negative count is drift,
-- which ward_author_day_drift() reports
comment on table analytics.ward_author_day is
    'How many authors of each ward have their newest post there on each IST day (the day histogram '
    'of analytics.ward_author.last_post_at), kept exact by the triggers on core.post: distinct '
    'authors of a window ending now in ~30 rows. Rows may hold 0. Checked by '
    'analytics.ward_author_day_drift() (integrity check ward_author_day_in_step).';

create or replace function analytics.tg_post__ward_author_insert()
returns trigger
language plpgsql
set search_path = pg_catalog, analytics
as $$
begin
    with moved as (
        insert into analytics.ward_author as w (ward_name, author_id, last_post_at)
        select n.city, n.author_id, max(n.created_at)
          from new_rows n
         where n.author_id is not null
         group by 1, 2
         order by 1, 2  -- key order: concurrent batches never deadlock
        on conflict (ward_name, author_id) do update
           set last_post_at = excluded.last_post_at, moved_from = w.last_post_at
         where w.last_post_at < excluded.last_post_at
        returning w.ward_name, w.last_post_at, w.moved_from
    ), delta as (
        -- IST day written out: analytics.ist_day pins search_path and would be called per row
        select m.ward_name, ((m.last_post_at + interval '5 hours 30 minutes') at time zone 'UTC')::date as day, 1 as n
          from moved m
        union all
        select m.ward_name, ((m.moved_from + interval '5 hours 30 minutes') at time zone 'UTC')::date, -1
          from moved m
         where m.moved_from is not null  -- set by this update; a fresh row has none
    )
    insert into analytics.ward_author_day as h (ward_name, day, authors)
    select d.ward_name, d.day, sum(d.n)
      from delta d
     group by 1, 2
    having sum(d.n) <> 0
     order by 1, 2
    on conflict (ward_name, day) do update
       set authors = h.authors + excluded.authors;
    return null;
end
$$;
comment on function analytics.tg_post__ward_author_insert() is
    'Statement trigger on core.post: moves each inserted post''s author''s newest post time per ward '
    'forward, and that author from the old day to the new one in analytics.ward_author_day.';

create or replace function analytics.tg_post__ward_author_change()
returns trigger
language plpgsql
set search_path = pg_catalog, analytics, core
as $$
begin
    -- rebuild the touched (ward, author) pairs from core.post (ward + author + time index); the
    -- histogram loses the days of the rows deleted and gains those of the rows written back
    create temp table if not exists pg_temp.ward_author_keys (ward_name text, author_id bigint) on commit drop;
    truncate pg_temp.ward_author_keys;
    insert into pg_temp.ward_author_keys select distinct o.city, o.author_id from old_rows o where o.author_id is not null;
    if tg_op = 'UPDATE' then
        insert into pg_temp.ward_author_keys
        select distinct n.city, n.author_id from new_rows n where n.author_id is not null
        except select k.ward_name, k.author_id from pg_temp.ward_author_keys k;
    end if;
    with gone as (
        delete from analytics.ward_author w using pg_temp.ward_author_keys k
         where w.ward_name = k.ward_name and w.author_id = k.author_id
        returning w.ward_name, ((w.last_post_at + interval '5 hours 30 minutes') at time zone 'UTC')::date as day
    )
    insert into analytics.ward_author_day as h (ward_name, day, authors)
    select g.ward_name, g.day, -count(*)
      from gone g
     group by 1, 2
     order by 1, 2
    on conflict (ward_name, day) do update
       set authors = h.authors + excluded.authors;
    -- a second statement: one statement must not delete and insert the same key
    with back as (
        insert into analytics.ward_author (ward_name, author_id, last_post_at)
        select k.ward_name, k.author_id, m.last_post_at
          from pg_temp.ward_author_keys k
         cross join lateral (select max(p.created_at) as last_post_at from core.post p
                              where p.city = k.ward_name and p.author_id = k.author_id) m
         where m.last_post_at is not null
         order by 1, 2
        returning ward_name, ((last_post_at + interval '5 hours 30 minutes') at time zone 'UTC')::date as day
    )
    insert into analytics.ward_author_day as h (ward_name, day, authors)
    select b.ward_name, b.day, count(*)
      from back b
     group by 1, 2
     order by 1, 2
    on conflict (ward_name, day) do update
       set authors = h.authors + excluded.authors;
    return null;
end
$$;
comment on function analytics.tg_post__ward_author_change() is
    'Statement trigger on core.post for UPDATE/DELETE: recomputes the touched (ward, author) newest '
    'post times and moves their authors between the days of analytics.ward_author_day.';

create or replace function analytics.tg_post__ward_author_truncate()
returns trigger
language plpgsql
set search_path = pg_catalog, analytics
as $$
begin
    truncate analytics.ward_author_day, analytics.ward_author;
    return null;
end
$$;
comment on function analytics.tg_post__ward_author_truncate() is
    'TRUNCATE of core.post empties analytics.ward_author and analytics.ward_author_day.';

create function analytics.ward_author_day_drift(p_from date)
returns table (ward_name text, day date, kept bigint, in_ward_author bigint)
language plpgsql
stable
set search_path = pg_catalog, analytics, core
set plan_cache_mode = force_custom_plan
as $$
declare
    v_at timestamptz := analytics.ist_day_start(p_from);
begin
    -- one index range per ward (ward + newest post time), not a scan of all of ward_author
    return query
    with fresh as (
        select w.ward_name, ((a.last_post_at + interval '5 hours 30 minutes') at time zone 'UTC')::date as day,
               count(*) as n
          from core.ward w
          join analytics.ward_author a on a.ward_name = w.ward_name and a.last_post_at >= v_at
         group by 1, 2
    ), kept as (
        select d.ward_name, d.day, d.authors::bigint as n
          from analytics.ward_author_day d
         where d.day >= p_from and d.authors <> 0
    )
    select coalesce(k.ward_name, f.ward_name), coalesce(k.day, f.day), coalesce(k.n, 0), coalesce(f.n, 0)
      from kept k
      full join fresh f on f.ward_name = k.ward_name and f.day = k.day
     where k.n is distinct from f.n;
end
$$;
comment on function analytics.ward_author_day_drift(date) is
    'Days from IST day p_from on where analytics.ward_author_day disagrees with the day histogram '
    'of analytics.ward_author.last_post_at (empty when exact): kept and recounted authors. Reads '
    'ward_author rows from p_from on, one index range per ward.';

create function analytics.ward_author_day_drift()
returns table (ward_name text, day date, kept bigint, in_ward_author bigint)
language sql
stable
set search_path = pg_catalog, analytics
as $$
    select * from analytics.ward_author_day_drift('-infinity'::date)
$$;
comment on function analytics.ward_author_day_drift() is
    'analytics.ward_author_day_drift(p_from) over all days (empty when exact). Reads all of ward_author.';

create function analytics.check_ward_author_day()
returns table (status text, record_count bigint, issue_description text)
language sql
stable
set search_path = pg_catalog, analytics
as $$
    select case when d.n = 0 then 'PASS' else 'FAIL' end, d.n,
           case when d.n = 0 then 'ward_author_day counts the authors of ward_author per day (last 7 days)'
                else 'ward_author_day disagrees with ward_author on ' || d.n || ' ward days of the last 7 '
                     || '(list: analytics.ward_author_day_drift())' end
      from (select count(*) as n from analytics.ward_author_day_drift(analytics.ist_day(now()) - 7)) d
$$;
comment on function analytics.check_ward_author_day() is
    'Integrity check "ward_author_day_in_step": analytics.ward_author_day_drift() over the last 7 IST days.';

insert into ops.integrity_check (check_name, check_function, description) values
    ('ward_author_day_in_step', 'analytics.check_ward_author_day',
     'analytics.ward_author_day counts each ward''s authors by the day of their newest post (last 7 days)');

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
    v_full_lo  timestamptz := date_bin('1 hour', p_lo, timestamptz '2000-01-01 00:30:00+00');
    v_full_hi  timestamptz := date_bin('1 hour', greatest(p_lo, p_hi), timestamptz '2000-01-01 00:30:00+00');
    v_day_lo   timestamptz;
    v_day_hi   timestamptz;
    v_d_lo     date;
    v_d_hi     date;
    v_first    date;
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
    v_d_lo := ((v_day_lo + interval '5 hours 30 minutes') at time zone 'UTC')::date;
    v_d_hi := case when v_day_hi > v_day_lo then ((v_day_hi + interval '5 hours 30 minutes') at time zone 'UTC')::date else v_d_lo end;
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
    if p_authors and not exists (select 1 from core.post p where p.city = p_ward and p.created_at >= v_hi) then
        -- nobody posted in this ward at or after the window's end: an author posted inside the
        -- window exactly when their last post here is at or after its start: the whole IST days
        -- after p_lo's from the day histogram, the rest of p_lo's day from ward_author itself
        v_first := ((p_lo + interval '5 hours 30 minutes') at time zone 'UTC')::date;
        select coalesce((select sum(d.authors) from analytics.ward_author_day d
                          where d.ward_name = p_ward and d.day > v_first), 0)
             + (select count(*) from analytics.ward_author w
                 where w.ward_name = p_ward and w.last_post_at >= p_lo
                   and w.last_post_at < ((v_first + 1)::timestamp - interval '5 hours 30 minutes') at time zone 'UTC')
          into v_r.authors;
    elsif p_authors then
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
    'breakdown); distinct authors, when no post of the ward is at or after p_hi (a window ending '
    'now), from analytics.ward_author_day (whole IST days) and analytics.ward_author (the rest of '
    'p_lo''s day), else from the author sets of the rollups.';


select audit.enable_ward_rls('analytics.ward_author_day'::regclass, 'ward_name');
grant select on analytics.ward_author_day to lokdarpan_readonly, lokdarpan_app;
grant select, insert, update, delete on analytics.ward_author_day to lokdarpan_ingest;

insert into analytics.ward_author_day (ward_name, day, authors)
select w.ward_name, ((w.last_post_at + interval '5 hours 30 minutes') at time zone 'UTC')::date, count(*)
  from analytics.ward_author w
 group by 1, 2;

commit;
