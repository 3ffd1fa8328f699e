-- Revert lokdarpan:analytics/ward_author from pg
-- Back to the definition of analytics/ward_author@v1.0.0: the UPDATE/DELETE trigger function
-- rebuilds the touched (ward, author) rows by delete + insert (the concurrency defect the rework
-- fixed). The rows are kept: both versions keep them exact.

begin;

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

commit;
