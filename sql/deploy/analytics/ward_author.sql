-- Deploy lokdarpan:analytics/ward_author to pg
-- requires: analytics/ward_author@v1.0.0
-- Reworked after @v1.0.0 (the first version is ward_author@v1.0.0.sql); it replaces one function
-- of that change, the UPDATE/DELETE trigger function of core.post. It rebuilt the touched
-- (ward, author) rows of analytics.ward_author by delete + insert while the insert trigger
-- upserts them, so an UPDATE or DELETE of a post with an author failed with a duplicate key on
-- analytics.pk_ward_author when another connection inserted a post of the same ward and author
-- at the same moment (adoption's continuous apply would quarantine such a legacy write as
-- rejected); the same defect as the rollups' (analytics/rollup rework), fixed the same way:
-- 1. lock the touched ward_author rows in key order, as the insert trigger takes them (before
--    any ward_author_day row): INSERT ... ON CONFLICT DO UPDATE ... WHERE false locks an existing
--    row and leaves it as it is; a missing one is inserted as a placeholder (last_post_at
--    -infinity) that step 2 overwrites or deletes before the commit;
-- 2. holding them, no other writer of those authors is in flight (an insert that got there first
--    has committed, one that comes later waits and moves the row on from the exact value), so
--    each author's newest post in the ward is recounted from core.post (one backward probe of
--    ix_post__city__author_id__created_at), the row rewritten or deleted, and the author moved
--    between the days of analytics.ward_author_day by -1/+1 in key order (increments commute,
--    so the histogram stays exact beside the insert trigger's own increments).
-- What it locks, at any size: the touched (ward, author) rows until the writing transaction
-- commits (inserts of posts by those authors in those wards wait for it, as they wait for one
-- another) and the ward_author_day rows it moves authors between; no table lock, no scan.
-- The insert and truncate trigger functions are unchanged.

begin;

create or replace function analytics.tg_post__ward_author_change()
returns trigger
language plpgsql
set search_path = pg_catalog, analytics, core
as $$
declare
    v_wards   text[];
    v_authors bigint[];
begin
    -- the touched (ward, author) pairs in key order (new_rows exists for UPDATE only)
    if tg_op = 'UPDATE' then
        select coalesce(array_agg(k.w order by k.w, k.a), '{}'), coalesce(array_agg(k.a order by k.w, k.a), '{}')
          into v_wards, v_authors
          from (select o.city as w, o.author_id as a from old_rows o where o.author_id is not null
                union
                select n.city, n.author_id from new_rows n where n.author_id is not null) k;
    else
        select coalesce(array_agg(k.w order by k.w, k.a), '{}'), coalesce(array_agg(k.a order by k.w, k.a), '{}')
          into v_wards, v_authors
          from (select distinct o.city as w, o.author_id as a from old_rows o where o.author_id is not null) k;
    end if;
    if cardinality(v_wards) = 0 then
        return null;
    end if;
    -- 1. lock them in key order; a placeholder (-infinity) stands in for a missing row
    insert into analytics.ward_author as w (ward_name, author_id, last_post_at)
    select k.ward_name, k.author_id, '-infinity'
      from unnest(v_wards, v_authors) as k (ward_name, author_id)
     order by 1, 2
    on conflict (ward_name, author_id) do update set last_post_at = w.last_post_at where false;
    -- 2. each author's newest post in the ward, recounted; the row rewritten or deleted, the
    -- author moved from the day of the kept time to the day of the recounted one
    with fresh as materialized (
        select k.ward_name, k.author_id, w.last_post_at as was,
               (select max(p.created_at) from core.post p
                 where p.city = k.ward_name and p.author_id = k.author_id) as newest
          from unnest(v_wards, v_authors) as k (ward_name, author_id)
          join analytics.ward_author w on w.ward_name = k.ward_name and w.author_id = k.author_id
    ), gone as (
        delete from analytics.ward_author w
         using fresh f
         where w.ward_name = f.ward_name and w.author_id = f.author_id and f.newest is null
    ), kept as (
        update analytics.ward_author w
           set last_post_at = f.newest, moved_from = null
          from fresh f
         where w.ward_name = f.ward_name and w.author_id = f.author_id and f.newest is not null
           and f.newest <> f.was
    ), delta as (
        -- IST day written out: analytics.ist_day pins search_path and would not be inlined
        select f.ward_name, ((f.was + interval '5 hours 30 minutes') at time zone 'UTC')::date as day, -1 as n
          from fresh f
         where f.was <> '-infinity' and f.newest is distinct from f.was
        union all
        select f.ward_name, ((f.newest + interval '5 hours 30 minutes') at time zone 'UTC')::date, 1
          from fresh f
         where f.newest is not null and f.newest <> f.was
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
comment on function analytics.tg_post__ward_author_change() is
    'Statement trigger on core.post for UPDATE/DELETE: locks the touched (ward, author) rows of '
    'analytics.ward_author in key order (a placeholder for a missing one), recounts each author''s '
    'newest post time in the ward from core.post, rewrites or deletes the row and moves the author '
    'between the days of analytics.ward_author_day; exact and free of duplicate keys and deadlocks '
    'beside concurrent inserts. Cost: one index probe per touched (ward, author).';

commit;
