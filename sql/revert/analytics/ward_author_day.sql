-- Revert lokdarpan:analytics/ward_author_day from pg
-- ward_window counts a window's authors over analytics.ward_author alone again and the triggers
-- keep only ward_author (all as analytics/ward_author wrote them, verbatim); the histogram, its
-- drift functions and check, and ward_author.moved_from go.

begin;

delete from ops.integrity_check where check_name = 'ward_author_day_in_step';
drop function analytics.check_ward_author_day();
drop function analytics.ward_author_day_drift();
drop function analytics.ward_author_day_drift(date);

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

create or replace function analytics.tg_post__ward_author_insert()
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

create or replace function analytics.tg_post__ward_author_change()
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

create or replace function analytics.tg_post__ward_author_truncate()
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

drop table analytics.ward_author_day;
alter table analytics.ward_author drop column moved_from;

commit;
