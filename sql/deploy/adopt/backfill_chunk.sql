-- Deploy lokdarpan:adopt/backfill_chunk to pg
-- requires: adopt/sync
-- adopt start copied each legacy table in one session, one batch after another (adopt.backfill_batch):
-- one core of two, so the backfill ran at about half the speed of ingest of the same rows (which
-- merges on every core). For the tables whose rows the rules classify one by one (posts, alerts:
-- no rule compares a row with another legacy row), the ids up to backfill_until are now cut into
-- chunks; several sessions each claim a chunk (FOR UPDATE SKIP LOCKED), copy its next batch in key
-- order and advance the chunk's position in the same transaction, so a killed run resumes after
-- each chunk's last committed batch and no row is copied twice. Users, authors and e-papers keep
-- the one-session backfill: their rules (duplicate names, e-mails, e-paper digests) read the rows
-- copied before them.

begin;

create table adopt.backfill_chunk (
    legacy_table  text not null
                  constraint fk_backfill_chunk__legacy_table references adopt.table_state (legacy_table)
                  on delete cascade,
    chunk_no      integer not null,
    lo            bigint not null,
    hi            bigint not null,
    position      bigint,
    done          boolean not null default false,
    constraint pk_backfill_chunk primary key (legacy_table, chunk_no),
    constraint ck_backfill_chunk__range check (lo < hi and (position is null or (position > lo and position <= hi)))
);
comment on table adopt.backfill_chunk is
    'A parallel backfill''s chunks of one legacy table: legacy ids (lo, hi], copied in key order by '
    'whichever adopt start session claims the chunk; position is the last id copied (NULL: none yet), '
    'advanced in the transaction that copies the batch. Deleted once every chunk is done (the table is '
    'then synced, table_state.position = backfill_until).';

create function adopt.plan_backfill_chunks(p_table text, p_chunks integer)
returns integer
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    st     adopt.table_state;
    v_lo   bigint;
    v_n    integer;
    v_step numeric;
begin
    if p_table is null or p_table not in ('post', 'alert') then
        raise exception 'adopt.plan_backfill_chunks: % is not backfilled in chunks (post and alert are)',
                        coalesce(quote_literal(p_table), 'NULL')
              using errcode = 'invalid_parameter_value';
    end if;
    if p_chunks is null or p_chunks < 1 then
        raise exception 'adopt.plan_backfill_chunks: p_chunks must be at least 1, not %', coalesce(p_chunks::text, 'NULL')
              using errcode = 'invalid_parameter_value';
    end if;
    select * into st from adopt.table_state t where t.legacy_table = p_table for update;
    if not found then
        raise exception 'adopt: capture is not installed on legacy table %', quote_literal(p_table)
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    select count(*) into v_n from adopt.backfill_chunk c where c.legacy_table = p_table;
    if v_n > 0 or st.phase = 'synced' then
        return v_n;  -- planned by an earlier run (resume its chunks), or nothing left to copy
    end if;
    execute format('select min(l.id)::bigint - 1 from %I.%I l where l.id > $1', st.legacy_schema, st.legacy_table)
       into v_lo using coalesce(st.position, -9223372036854775808);
    v_lo := greatest(v_lo, st.position);
    if v_lo is null or st.backfill_until is null or v_lo >= st.backfill_until then
        return 0;  -- nothing (left) up to backfill_until: the one-session batch finds that out
    end if;
    v_step := (st.backfill_until - v_lo)::numeric / p_chunks;
    insert into adopt.backfill_chunk (legacy_table, chunk_no, lo, hi)
    select p_table, g.n, g.lo, g.hi
      from (select n, v_lo + floor(v_step * (n - 1))::bigint as lo,
                   case when n = p_chunks then st.backfill_until else v_lo + floor(v_step * n)::bigint end as hi
              from generate_series(1, p_chunks) n) g
     where g.lo < g.hi;
    get diagnostics v_n = row_count;
    update adopt.table_state t
       set phase = 'backfilling', backfill_started_at = coalesce(t.backfill_started_at, now())
     where t.legacy_table = p_table;
    return v_n;
end
$$;
comment on function adopt.plan_backfill_chunks(text, integer) is
    'Cuts the legacy ids of p_table (post or alert) not backfilled yet, up to table_state.backfill_until, '
    'into p_chunks equal id ranges (adopt.backfill_chunk); returns the number of chunks, or the chunks an '
    'earlier run planned and left (resumed as they are), or 0 when nothing is left to copy.';

create function adopt.backfill_chunk_batch(p_table text, p_limit integer)
returns table (chunk_no integer, n_rows integer, n_adopted integer, n_quarantined integer, last_id bigint,
               chunks_left integer)
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    st    adopt.table_state;
    ch    adopt.backfill_chunk;
    r     record;
    v_ok  boolean := false;
    v_id  bigint;
    v_row jsonb;
begin
    if p_limit is null or p_limit < 1 then
        raise exception 'adopt.backfill_chunk_batch: p_limit must be at least 1, not %', coalesce(p_limit::text, 'NULL')
              using errcode = 'invalid_parameter_value';
    end if;
    select * into st from adopt.table_state t where t.legacy_table = p_table;
    if not found then
        raise exception 'adopt: capture is not installed on legacy table %', quote_literal(p_table)
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    -- beside the other chunk sessions (shared), never beside adopt.apply_capture or a one-session
    -- batch writer of this table (both take this lock exclusively: adopt.sync_rows)
    perform pg_advisory_xact_lock_shared(hashtext('adopt.apply'), hashtext(p_table));
    chunk_no := null; n_rows := 0; n_adopted := 0; n_quarantined := 0; last_id := null;
    select * into ch from adopt.backfill_chunk c
     where c.legacy_table = p_table and not c.done
     order by c.chunk_no
     limit 1
       for update skip locked;
    if not found then
        select count(*)::integer into chunks_left from adopt.backfill_chunk c
         where c.legacy_table = p_table and not c.done;
        if chunks_left = 0 and exists (select 1 from adopt.backfill_chunk c where c.legacy_table = p_table) then
            -- the last chunk is done: the table is synced up to backfill_until
            update adopt.table_state t
               set position = greatest(t.position, (select max(c.hi) from adopt.backfill_chunk c
                                                      where c.legacy_table = p_table)),
                   phase = 'synced', backfilled_at = now()
             where t.legacy_table = p_table;
            delete from adopt.backfill_chunk c where c.legacy_table = p_table;
        end if;
        return next;
        return;
    end if;
    chunk_no := ch.chunk_no;
    begin
        select * into r from adopt.sync_source(p_table,
            adopt.source_sql(p_table, st.legacy_schema, st.legacy_timezone,
                             format('l.id > %s and l.id <= %s order by l.id limit %s',
                                    coalesce(ch.position, ch.lo), ch.hi, p_limit)), null);
        v_ok := true;
    exception
        when deadlock_detected or lock_not_available or serialization_failure or query_canceled then
            raise;  -- a lock conflict with the other chunk sessions: the caller retries the batch whole
        when others then
            -- a core constraint refused a row of the batch: the same ids one at a time, each refused
            -- row quarantined with the error, so the batch never blocks the backfill
            for v_id in execute format('select l.id::bigint from %I.%I l where l.id > $1 and l.id <= $2'
                                       ' order by l.id limit $3', st.legacy_schema, st.legacy_table)
                        using coalesce(ch.position, ch.lo), ch.hi, p_limit loop
                begin
                    select * into r from adopt.sync_source(p_table,
                        adopt.source_sql(p_table, st.legacy_schema, st.legacy_timezone, format('l.id = %s', v_id)),
                        null);
                    n_adopted := n_adopted + r.n_adopted;
                    n_quarantined := n_quarantined + r.n_quarantined;
                exception when others then
                    execute format('select to_jsonb(l) from %I.%I l where l.id = $1', st.legacy_schema, st.legacy_table)
                       into v_row using v_id;
                    insert into adopt.quarantine (legacy_table, legacy_id, reason, row)
                    values (p_table, v_id, 'rejected: ' || sqlerrm, v_row)
                    on conflict (legacy_table, legacy_id) do update set reason = excluded.reason, row = excluded.row;
                    n_quarantined := n_quarantined + 1;
                end;
                n_rows := n_rows + 1;
                last_id := v_id;
            end loop;
    end;
    if v_ok then
        n_rows := coalesce(r.n_rows, 0); n_adopted := coalesce(r.n_adopted, 0);
        n_quarantined := coalesce(r.n_quarantined, 0); last_id := r.last_id;
    end if;
    update adopt.backfill_chunk c
       set position = coalesce(last_id, c.position),
           done = n_rows < p_limit or coalesce(last_id, c.position) >= c.hi
     where c.legacy_table = ch.legacy_table and c.chunk_no = ch.chunk_no;
    select count(*)::integer into chunks_left from adopt.backfill_chunk c
     where c.legacy_table = p_table and not c.done;
    return next;
end
$$;
comment on function adopt.backfill_chunk_batch(text, integer) is
    'One batch of a parallel backfill of p_table: claims a chunk no other session holds (SKIP LOCKED), '
    'copies its next p_limit legacy ids by adopt.sync_source and advances the chunk in the same '
    'transaction; a batch a core constraint refuses is redone row by row, quarantining each refused row '
    'as rejected: <error>; a deadlock or lock timeout is raised (retry the call). Returns the chunk, '
    'rows read, adopted, quarantined, the last id read and the chunks not done; chunk_no NULL when it '
    'claimed none (chunks_left > 0: other sessions hold the rest). The call that finds every chunk done '
    'marks the table synced (position = backfill_until) and deletes its chunks.';

commit;
