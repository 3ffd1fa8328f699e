-- Deploy lokdarpan:analytics/ward_author to pg
-- requires: analytics/rollup
-- Distinct authors of a ward over a window, exact and cheap. analytics.ward_author keeps each
-- author's newest post time per ward and analytics.ward_author_day its histogram by IST day
-- (ward, day of the author's newest post there -> authors), both kept by statement triggers on
-- core.post. An upsert of ward_author records the time it replaced in moved_from and returns
-- it, so each author moving to a newer day is -1 on the old day and +1 on the new one, in the
-- same statement and under the same row lock. For a window [lo, hi),
-- analytics.window_authors() counts
--   authors = #{newest post >= lo} - #{newest post >= hi and no post in [lo, hi)}
-- the first term from the histogram (whole IST days, ~30 rows) and ward_author (the rest of
-- lo's day), the second one index probe on core.post (ward, author, time) per author whose
-- newest post is at or after hi: none for a window ending now, more the further back it ends.
-- ward_author has no foreign keys: ~15,000 new (ward, author) rows per 20,000-post batch each
-- checked by a query of its own cost ~17 us per ingested post, and every row comes from a post
-- whose references core.post has checked (a ward with posts cannot be deleted or renamed).

begin;

create table analytics.ward_author (
    ward_name     text not null,
    author_id     bigint not null,
    last_post_at  timestamptz not null,
    moved_from    timestamptz,
    constraint pk_ward_author primary key (ward_name, author_id)
);
create index ix_ward_author__ward_name__last_post_at on analytics.ward_author (ward_name, last_post_at);
comment on table analytics.ward_author is
    'Each author''s newest post time per ward, kept by triggers on core.post (exact): distinct '
    'authors of a window ending after the ward''s newest post in one index range count. Keys are '
    'checked on core.post, not again here (no foreign keys).';
comment on column analytics.ward_author.moved_from is
    'The last_post_at this row''s newest update replaced (NULL until the first): how the insert '
    'trigger learns which day of analytics.ward_author_day an author left. Maintenance detail.';

create table analytics.ward_author_day (
    ward_name  text not null,
    day        date not null,
    authors    integer not null,
    constraint pk_ward_author_day primary key (ward_name, day) include (authors),
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

create function analytics.tg_post__ward_author_insert()
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

create function analytics.tg_post__ward_author_change()
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

create function analytics.tg_post__ward_author_truncate()
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

create trigger tg_post__ward_author_insert after insert on core.post referencing new table as new_rows
    for each statement execute function analytics.tg_post__ward_author_insert();
create trigger tg_post__ward_author_update after update on core.post
    referencing old table as old_rows new table as new_rows
    for each statement execute function analytics.tg_post__ward_author_change();
create trigger tg_post__ward_author_delete after delete on core.post referencing old table as old_rows
    for each statement execute function analytics.tg_post__ward_author_change();
create trigger tg_post__ward_author_truncate after truncate on core.post
    for each statement execute function analytics.tg_post__ward_author_truncate();

create function analytics.window_authors(p_ward text, p_lo timestamptz, p_hi timestamptz)
returns bigint
language plpgsql
stable
parallel safe
set search_path = pg_catalog, analytics, core
as $$
declare
    v_first  date;
    v_next   timestamptz;
    v_n      bigint;
begin
    if p_hi <= p_lo then
        return 0;
    end if;
    -- the IST day of p_lo and the midnight after it (written out: the helpers pin search_path
    -- and would be called, not inlined)
    v_first := ((p_lo + interval '5 hours 30 minutes') at time zone 'UTC')::date;
    v_next := ((v_first + 1)::timestamp - interval '5 hours 30 minutes') at time zone 'UTC';
    select coalesce((select sum(d.authors) from analytics.ward_author_day d
                      where d.ward_name = p_ward and d.day > v_first), 0)
         + (select count(*) from analytics.ward_author w
             where w.ward_name = p_ward and w.last_post_at >= p_lo and w.last_post_at < v_next)
         - (select count(*) from analytics.ward_author w
             where w.ward_name = p_ward and w.last_post_at >= p_hi
               and not exists (select 1 from core.post p
                                where p.city = p_ward and p.author_id = w.author_id
                                  and p.created_at >= p_lo and p.created_at < p_hi))
      into v_n;
    return v_n;
end
$$;
comment on function analytics.window_authors(text, timestamptz, timestamptz) is
    'Exact number of distinct authors of ward p_ward (canonical name) with a post whose created_at '
    'is in [p_lo, p_hi): the authors whose newest post in the ward is at or after p_lo '
    '(analytics.ward_author_day for whole IST days, analytics.ward_author for the rest of p_lo''s '
    'day) minus those whose newest post is at or after p_hi and who posted nothing inside the '
    'window (one index probe on core.post each). Cost: ~30 histogram rows and two index ranges '
    'for a window ending now; plus one probe per author active after p_hi for an earlier window.';

create function analytics.ward_author_drift(p_from timestamptz)
returns table (ward_name text, author_id bigint, kept timestamptz, in_posts timestamptz)
language plpgsql
stable
set search_path = pg_catalog, analytics, core
set plan_cache_mode = force_custom_plan
as $$
begin
    -- a (ward, author) with a post from p_from on has its newest post from p_from on too, so
    -- both sides are read from p_from on only: posts by (ward, time), ward_author by (ward, time)
    return query
    select coalesce(f.city, w.ward_name), coalesce(f.author_id, w.author_id), w.last_post_at, f.last_post_at
      from (select p.city, p.author_id, max(p.created_at) as last_post_at
              from core.post p
             where p.created_at >= p_from and p.author_id is not null
             group by 1, 2) f
      full join (select * from analytics.ward_author y where y.last_post_at >= p_from) w
        on w.ward_name = f.city and w.author_id = f.author_id
     where f.last_post_at is distinct from w.last_post_at;
end
$$;
comment on function analytics.ward_author_drift(timestamptz) is
    'Rows of analytics.ward_author that disagree with core.post for every (ward, author) with a '
    'post or a kept newest post time from p_from on (empty when exact). Reads posts from p_from on.';

create function analytics.ward_author_drift()
returns table (ward_name text, author_id bigint, kept timestamptz, in_posts timestamptz)
language sql
stable
set search_path = pg_catalog, analytics, core
as $$
    select * from analytics.ward_author_drift('-infinity'::timestamptz)
$$;
comment on function analytics.ward_author_drift() is
    'analytics.ward_author_drift(p_from) over all time: rows of analytics.ward_author that disagree '
    'with core.post (empty when exact). Scans all posts.';

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

-- the authors of the posts already stored (none on a fresh deploy; a redeploy after a revert
-- of this change alone finds them)
insert into analytics.ward_author (ward_name, author_id, last_post_at)
select p.city, p.author_id, max(p.created_at) from core.post p where p.author_id is not null group by 1, 2;
insert into analytics.ward_author_day (ward_name, day, authors)
select w.ward_name, ((w.last_post_at + interval '5 hours 30 minutes') at time zone 'UTC')::date, count(*)
  from analytics.ward_author w
 group by 1, 2;

commit;
