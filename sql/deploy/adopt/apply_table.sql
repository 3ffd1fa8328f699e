-- Deploy lokdarpan:adopt/apply_table to pg
-- requires: adopt/sync
-- The capture backlog applied one legacy table per call: adopt.apply_capture_table. adopt drain
-- (after start, before the cutover switch, after rollback) calls it table by table, each call its
-- own transaction. adopt.apply_capture applied every table in one transaction, and the
-- per-table apply lock it takes (hashtext('adopt.apply'), the table) is held until commit: while
-- it applied the posts, the application's writes to "user", author and epaper - whose synchronous
-- apply takes the same lock shared - waited for it (up to 0.47 s at 1,000,000 posts, 4.7 s at
-- 10,000,000, during adopt rollback's drain of the carried-back rows).
-- adopt.apply_capture (adopt/sync) stays as it was, for callers that drain inside a transaction
-- of their own anyway (the cutover switch). Its per-table body is repeated below rather than
-- replaced: a change never replaces another change's function (tests/static/test_sql_tree.py),
-- and adopt/sync can be reworked again only after the next tag.
-- Locks: none (one new function); nothing is scanned.

begin;

create function adopt.apply_capture_table(p_table text, p_limit integer)
returns table (legacy_table text, n_ids integer, n_entries integer)
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    v_ids  bigint[];
    v_caps bigint[];
begin
    if p_limit < 1 then  -- NULL: every entry
        raise exception 'adopt.apply_capture_table: p_limit must be at least 1, not %', p_limit
              using errcode = 'invalid_parameter_value';
    end if;
    if not exists (select 1 from adopt.table_state s where s.legacy_table = p_table) then
        raise exception 'adopt: capture is not installed on legacy table %', coalesce(quote_literal(p_table), 'NULL')
              using errcode = 'object_not_in_prerequisite_state';
    end if;
    -- a table some writer's transaction is applying to right now waits for the next call
    -- (never a wait here: the application's transaction must not wait behind this one)
    if not pg_try_advisory_xact_lock(hashtext('adopt.apply'), hashtext(p_table)) then
        return;
    end if;
    select array_agg(distinct c.legacy_id), array_agg(c.capture_id)
      into v_ids, v_caps
      from (select c0.legacy_id, c0.capture_id from adopt.capture c0
             where c0.legacy_table = p_table order by c0.capture_id limit p_limit) c;
    if v_ids is not null then
        perform adopt.sync_rows(p_table, v_ids, null, null);
        delete from adopt.capture c where c.capture_id = any(v_caps);
        legacy_table := p_table;
        n_ids := cardinality(v_ids);
        n_entries := cardinality(v_caps);
        return next;
    end if;
    -- a post copied before its new author or e-paper was applied was quarantined for it: retry
    -- those whose reference is adopted now (the post itself may have no capture entry left)
    if p_table = 'post' then
        select array_agg(q.legacy_id) into v_ids
          from adopt.quarantine q
         where q.legacy_table = 'post' and q.reason in ('author_not_adopted', 'epaper_not_adopted')
           and (q.row ->> 'author_id' is null
                or exists (select 1 from adopt.mapping m where m.legacy_table = 'author'
                              and m.legacy_id = (q.row ->> 'author_id')::bigint))
           and (q.row ->> 'epaper_id' is null
                or exists (select 1 from adopt.mapping m where m.legacy_table = 'epaper'
                              and m.legacy_id = (q.row ->> 'epaper_id')::bigint));
        if v_ids is not null then
            perform adopt.sync_rows('post', v_ids, null, null);
            legacy_table := 'post';
            n_ids := cardinality(v_ids);
            n_entries := 0;
            return next;
        end if;
    end if;
end
$$;
comment on function adopt.apply_capture_table(text, integer) is
    'Applies up to p_limit (NULL: all) capture entries of legacy table p_table (capture order): re-reads the '
    'captured ids'' current legacy rows, replaces their core/mapping/quarantine state and deletes the '
    'entries; for post, then retries the posts quarantined as author_not_adopted/epaper_not_adopted '
    'whose reference is adopted now. Skips (returns no row) when a writer''s synchronous apply of the '
    'table is in flight: never waits. Holds the table''s apply lock until its transaction ends: call '
    'it in a transaction of its own per table (adopt drain does), so the application''s writes to '
    'the other tables never wait behind it. Returns ids and entries applied (entries 0 for the retries).';

commit;
