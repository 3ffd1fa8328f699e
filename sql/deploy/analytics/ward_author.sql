-- Deploy lokdarpan:analytics/ward_author to pg
-- requires: analytics/day_rollup
-- requires: audit/analytics_ingest_access
-- unique_authors was the cost left in get_ward_intelligence_fast at 10 million posts: an exact
-- distinct count over every author id of the window (~33,000 for the busiest ward in 30 days,
-- ~20 ms). For a window that ends after the ward's newest post (a window ending now, as the
-- application asks), the authors inside it are exactly those whose last post in the ward is at
-- or after its start: one index range count over analytics.ward_author (ward, author, last
-- post time), kept by statement triggers on core.post. Other windows still count the author
-- sets of the rollups.

begin;

create table analytics.ward_author (
    ward_name     text not null,
    author_id     bigint not null,
    last_post_at  timestamptz not null,
    constraint pk_ward_author primary key (ward_name, author_id),
    constraint fk_ward_author__ward foreign key (ward_name) references core.ward (ward_name)
);
create index ix_ward_author__ward_name__last_post_at on analytics.ward_author (ward_name, last_post_at);
comment on table analytics.ward_author is
    'Each author''s newest post time per ward, kept by triggers on core.post (exact): distinct '
    'authors of a window ending after the ward''s newest post in one index range count. author_id '
    'is not a foreign key: core.post checks it, and an author with posts cannot be deleted.';

create function analytics.tg_post__ward_author_insert()
returns trigger
language plpgsql
set search_path = pg_catalog, analytics
as $$
begin
    insert into analytics.ward_author as w (ward_name, author_id, last_post_at)
    select n.city, n.author_id, max(n.created_at)
      from new_rows n
     where n.author_id is not null
     group by 1, 2
     order by 1, 2  -- key order: concurrent batches never deadlock
    on conflict (ward_name, author_id) do update
       set last_post_at = excluded.last_post_at
     where w.last_post_at < excluded.last_post_at;
    return null;
end
$$;
comment on function analytics.tg_post__ward_author_insert() is
    'Statement trigger on core.post: moves each inserted post''s author''s newest post time per ward forward.';

create function analytics.tg_post__ward_author_change()
returns trigger
language plpgsql
set search_path = pg_catalog, analytics, core
as $$
begin
    -- rebuild the touched (ward, author) pairs from core.post (ward + author + time index)
    create temp table if not exists pg_temp.ward_author_keys (ward_name text, author_id bigint) on commit drop;
    truncate pg_temp.ward_author_keys;
    insert into pg_temp.ward_author_keys select distinct o.city, o.author_id from old_rows o where o.author_id is not null;
    if tg_op = 'UPDATE' then
        insert into pg_temp.ward_author_keys
        select distinct n.city, n.author_id from new_rows n where n.author_id is not null
        except select k.ward_name, k.author_id from pg_temp.ward_author_keys k;
    end if;
    delete from analytics.ward_author w using pg_temp.ward_author_keys k
     where w.ward_name = k.ward_name and w.author_id = k.author_id;
    insert into analytics.ward_author (ward_name, author_id, last_post_at)
    select k.ward_name, k.author_id, m.last_post_at
      from pg_temp.ward_author_keys k
     cross join lateral (select max(p.created_at) as last_post_at from core.post p
                          where p.city = k.ward_name and p.author_id = k.author_id) m
     where m.last_post_at is not null
     order by 1, 2;
    return null;
end
$$;
comment on function analytics.tg_post__ward_author_change() is
    'Statement trigger on core.post for UPDATE/DELETE: recomputes the touched (ward, author) newest post times.';

create function analytics.tg_post__ward_author_truncate()
returns trigger
language plpgsql
set search_path = pg_catalog, analytics
as $$
begin
    truncate analytics.ward_author;
    return null;
end
$$;
comment on function analytics.tg_post__ward_author_truncate() is 'TRUNCATE of core.post empties analytics.ward_author.';

create trigger tg_post__ward_author_insert after insert on core.post referencing new table as new_rows
    for each statement execute function analytics.tg_post__ward_author_insert();
create trigger tg_post__ward_author_update after update on core.post
    referencing old table as old_rows new table as new_rows
    for each statement execute function analytics.tg_post__ward_author_change();
create trigger tg_post__ward_author_delete after delete on core.post referencing old table as old_rows
    for each statement execute function analytics.tg_post__ward_author_change();
create trigger tg_post__ward_author_truncate after truncate on core.post
    for each statement execute function analytics.tg_post__ward_author_truncate();

create function analytics.ward_author_drift()
returns table (ward_name text, author_id bigint, kept timestamptz, in_posts timestamptz)
language sql
stable
set search_path = pg_catalog, analytics, core
as $$
    select coalesce(f.city, w.ward_name), coalesce(f.author_id, w.author_id), w.last_post_at, f.last_post_at
      from (select p.city, p.author_id, max(p.created_at) as last_post_at
              from core.post p where p.author_id is not null group by 1, 2) f
      full join analytics.ward_author w on w.ward_name = f.city and w.author_id = f.author_id
     where f.last_post_at is distinct from w.last_post_at
$$;
comment on function analytics.ward_author_drift() is
    'Rows of analytics.ward_author that disagree with core.post (empty when exact). Scans all posts.';

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
    if p_authors and not exists (select 1 from core.post p where p.city = p_ward and p.created_at >= v_hi) then
        -- nobody posted in this ward at or after the window's end: an author posted inside the
        -- window exactly when their last post here is at or after its start
        select count(*) into v_r.authors
          from analytics.ward_author w
         where w.ward_name = p_ward and w.last_post_at >= p_lo;
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
    'breakdown); distinct authors from analytics.ward_author when no post of the ward is at or '
    'after p_hi (a window ending now), else from the author sets of the rollups.';

select audit.enable_ward_rls('analytics.ward_author'::regclass, 'ward_name');
grant select on analytics.ward_author to lokdarpan_readonly, lokdarpan_app;
grant select, insert, update, delete on analytics.ward_author to lokdarpan_ingest;

insert into analytics.ward_author (ward_name, author_id, last_post_at)
select p.city, p.author_id, max(p.created_at) from core.post p where p.author_id is not null group by 1, 2;

commit;
