-- Deploy lokdarpan:adopt/sync to pg
-- requires: adopt/sync@v1.2.0
-- adopt.sync_source inserted a batch's posts into core.post first and their fingerprint, mapping
-- and quarantine rows after it. core.post's statement triggers upsert the rollup rows of every
-- (ward, day) and (ward, hour) the batch touches and hold those row locks until the transaction
-- commits; a backfill batch of 20,000 legacy posts in id order whose times are spread (the bench's
-- legacy data) spans most of the ward-days, so the other backfill connection's trigger waited for
-- the fingerprint and mapping inserts too (0.25-1 s per batch in the server's lock-wait log; 0.43 +
-- 0.21 s of a batch at 10,000,000 posts). The posts now go in last, as ingest's merge does (its
-- fingerprint insert is part of the same statement): the locks are held from the trigger to the
-- commit only. The same rows in the same tables: nothing refers to core.post from the fingerprint,
-- mapping or quarantine rows. And the removal of what a batch's ids held before (core rows,
-- fingerprints, mappings, quarantine) runs only for the ids that hold something, found by one key
-- probe per id: a backfill batch's ids hold nothing, and the removals' generic plan, made on a
-- mapping analyzed before the table's rows existed, read every mapping row of the table per
-- statement (26 s a statement halfway through 1,000,000 posts). The posts are inserted in
-- (city, created_at) order, the order of core.post's B-trees, not in legacy id order (random
-- times): fewer index pages read and written per batch. CREATE OR REPLACE of one function:
-- no table lock.

begin;

create or replace function adopt.sync_source(p_table text, p_src text, p_ids bigint[])
returns table (n_rows integer, n_adopted integer, n_quarantined integer, last_id bigint)
language plpgsql
volatile
set search_path = pg_catalog, adopt, core
as $$
declare
    v_src    text := p_src;
    v_ids    bigint[];
begin
    -- p_src is SQL text and runs as it is: refuse anything adopt.source_sql does not make (this
    -- function is not security definer, so it can never run text with rights its caller lacks)
    if p_table is null or p_table not in ('user', 'author', 'epaper', 'post', 'alert') then
        raise exception 'adopt.sync_source: unknown legacy table %', coalesce(quote_literal(p_table), 'NULL')
              using errcode = 'invalid_parameter_value';
    end if;
    if p_src is null or p_src !~ '^\s*with b as materialized \(' then
        raise exception 'adopt.sync_source: p_src is not a source query of adopt.source_sql: %',
                        left(coalesce(quote_literal(p_src), 'NULL'), 80)
              using errcode = 'invalid_parameter_value';
    end if;
    if to_regclass('pg_temp.adopt_src') is not null then
        drop table pg_temp.adopt_src;
    end if;
    execute 'create temp table adopt_src as ' || v_src;
    -- the batch's ids as an array: every lookup below is an index probe per id (= any), whatever
    -- the planner believes of adopt.mapping. As a joined temp table, a mapping whose statistics
    -- predate the backfill (analyze lags behind it) was estimated at one row and the join became a
    -- nested loop over the whole id list per mapping row: 4.2 s of a 4.4 s batch of 5,000 authors,
    -- growing with every batch.
    v_ids := array(select s.legacy_id from pg_temp.adopt_src s
                   union select unnest(coalesce(p_ids, '{}'::bigint[])));
    -- of those, the ids mapped or quarantined before, whose previous state goes below: each found
    -- by its key, one probe per id whatever the statistics say (an OR of two EXISTS stays a
    -- subplan per id; a join may become a scan). A backfill batch's ids were never copied, so it
    -- finds none and skips the removals: planned generically on a mapping analyzed before the
    -- table's rows existed, they read every mapping row of the table per statement (26 s a
    -- statement, 55 s a batch, halfway through 1,000,000 posts)
    v_ids := array(select i.id from unnest(v_ids) as i(id)
                    where exists (select 1 from adopt.mapping m
                                   where m.legacy_table = p_table and m.legacy_id = i.id)
                       or exists (select 1 from adopt.quarantine q
                                   where q.legacy_table = p_table and q.legacy_id = i.id));

    -- the ids' previous state: core rows the batch does not adopt again (or re-inserts), mappings, quarantine
    if cardinality(v_ids) = 0 then
        null;  -- nothing held before
    elsif p_table = 'post' then
        -- by core.post_fingerprint's key (created_at, fingerprint), read from the posts themselves:
        -- joined on post_id alone (no index) it read the whole table for every synchronous write
        -- of a post, 0.3 s at 1,000,000 posts, 2.8 s at 10,000,000
        delete from core.post_fingerprint f using adopt.mapping m, core.post p
         where m.legacy_table = 'post' and m.legacy_id = any (v_ids) and p.post_id = m.core_id
           and f.created_at = p.created_at and f.fingerprint = p.fingerprint and f.post_id = p.post_id;
        delete from core.post p using adopt.mapping m
         where m.legacy_table = 'post' and m.legacy_id = any (v_ids) and p.post_id = m.core_id;
    elsif p_table = 'alert' then
        delete from core.alert a using adopt.mapping m
         where m.legacy_table = 'alert' and m.legacy_id = any (v_ids) and a.alert_id = m.core_id;
    else
        analyze pg_temp.adopt_src;  -- the anti-join below: a hash, not a scan of the batch per row
        execute format(
            'delete from core.%I t using adopt.mapping m'
            ' where m.legacy_table = %L and m.duplicate_of is null and t.%I = m.core_id'
            '   and m.legacy_id = any ($1)'
            '   and not exists (select 1 from pg_temp.adopt_src s'
            '                    where s.legacy_id = m.legacy_id and s.reason is null and s.duplicate_of is null)',
            case p_table when 'user' then 'app_user' else p_table end, p_table,
            case p_table when 'user' then 'user_id' else p_table || '_id' end) using v_ids;
    end if;
    if cardinality(v_ids) > 0 then
        delete from adopt.mapping m
         where m.legacy_table = p_table and m.legacy_id = any (v_ids);
        delete from adopt.quarantine q
         where q.legacy_table = p_table and q.legacy_id = any (v_ids);
    end if;

    if p_table = 'user' then
        insert into core.app_user (user_id, username, email, password_hash, failed_login_count, is_active,
                                   created_at, last_login_at)
        overriding system value
        select s.legacy_id, s.username, s.email, s.password_hash, s.failed_login_count, s.is_active,
               s.created_at, s.last_login_at
          from pg_temp.adopt_src s where s.reason is null
        on conflict (user_id) do update
           set username = excluded.username, email = excluded.email, password_hash = excluded.password_hash,
               failed_login_count = excluded.failed_login_count, is_active = excluded.is_active,
               created_at = excluded.created_at, last_login_at = excluded.last_login_at;
    elsif p_table = 'author' then
        insert into core.author (author_id, name)
        overriding system value
        select s.legacy_id, s.name from pg_temp.adopt_src s where s.reason is null
        on conflict (author_id) do update set name = excluded.name;
    elsif p_table = 'epaper' then
        insert into core.epaper (epaper_id, publication_name, publication_date, raw_text, created_at)
        overriding system value
        select s.legacy_id, s.publication_name, s.publication_date, s.raw_text, s.created_at
          from pg_temp.adopt_src s where s.reason is null and s.duplicate_of is null
        on conflict (epaper_id) do update
           set publication_name = excluded.publication_name, publication_date = excluded.publication_date,
               raw_text = excluded.raw_text, created_at = excluded.created_at;
    elsif p_table = 'post' then
        -- the posts themselves go in last (below): their rollup row locks are held to the commit
        insert into core.post_fingerprint (fingerprint, post_id, created_at)
        select distinct on (s.fingerprint) s.fingerprint, s.legacy_id, s.created_at
          from pg_temp.adopt_src s where s.reason is null
         order by s.fingerprint, s.legacy_id
        on conflict do nothing;  -- the table's key, whichever it is (the core/post rework)
    elsif p_table = 'alert' then
        insert into core.alert (alert_id, ward_name, description, severity, opportunities, threats,
                                actionable_alerts, source_articles, created_at, updated_at)
        overriding system value
        select s.legacy_id, s.ward_name, s.description, s.severity, s.opportunities, s.threats,
               s.actionable_alerts, s.source_articles, s.created_at, s.updated_at
          from pg_temp.adopt_src s where s.reason is null;
    end if;

    insert into adopt.mapping (legacy_table, legacy_id, core_id, duplicate_of, legacy_extra)
    select p_table, s.legacy_id, s.core_id, s.duplicate_of, s.extra from pg_temp.adopt_src s where s.reason is null;
    insert into adopt.quarantine (legacy_table, legacy_id, reason, row)
    select p_table, s.legacy_id, s.reason, s.legacy from pg_temp.adopt_src s where s.reason is not null;
    if p_table = 'post' then
        -- last of the batch: core.post's statement triggers lock the rollup rows of the ward-days
        -- and ward-hours the posts touch, held until the commit (another backfill connection's
        -- batch waits for them)
        insert into core.post (post_id, created_at, city, author_id, epaper_id, text, emotion, emotion_raw,
                               party, party_raw, fingerprint)
        select s.legacy_id, s.created_at, s.city, s.author_id, s.epaper_id, s.text, s.emotion, s.emotion_raw,
               s.party, s.party_raw, s.fingerprint
          from pg_temp.adopt_src s where s.reason is null
         -- in the order of core.post's (city, created_at) B-trees: a batch's random-time rows
         -- then visit each index page once, in turn (1,000,000 posts, shared_buffers 64 MB: the
         -- insert's blocks read from outside shared_buffers 1.98M -> 1.19M, full-page images
         -- 76,700 -> 34,600); the 20,000-row sort costs milliseconds
         order by s.city, s.created_at;
    end if;

    return query
        select count(*)::integer, (count(*) filter (where s.reason is null))::integer,
               (count(*) filter (where s.reason is not null))::integer, max(s.legacy_id)
          from pg_temp.adopt_src s;
    drop table pg_temp.adopt_src;
end
$$;

commit;
