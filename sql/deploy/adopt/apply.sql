-- Deploy lokdarpan:adopt/apply to pg
-- requires: adopt/sync
-- Continuous apply. Once a legacy table's backfill is done, adopt start installs a second row
-- trigger (tg_<table>__adopt_sync, after the capture trigger) that applies each write to core
-- in the writer's own transaction (synchronous: a
-- committed legacy write is in core, mapping or quarantine at the same commit). The apply runs
-- in a subtransaction: a row the rules refuse is quarantined by the rules themselves; a row a
-- core constraint refuses is quarantined as 'rejected: <error>'; and if even that fails the
-- capture entry simply stays in the backlog (adopt start or cutover drain it). The application's
-- write never fails because of the adoption. Before the backfill is done only the capture
-- trigger runs (the drain at the end of adopt start applies its entries).

begin;

create function adopt.sync_base(p_table text, p_base text, p_ids bigint[])
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, adopt, core
as $$
declare
    st    adopt.table_state;
    v_err text;
begin
    select * into st from adopt.table_state t where t.legacy_table = p_table;
    if not found then
        return false;
    end if;
    -- beside other writers' applies (shared), never beside a batch apply of the table (adopt.sync_rows
    -- holds it exclusively); the same ids one transaction at a time (a compatibility view's
    -- rows have no row lock to serialize them)
    perform pg_advisory_xact_lock_shared(hashtext('adopt.apply'), hashtext(p_table));
    perform pg_advisory_xact_lock(o.k)
       from (select distinct (hashtext(p_table)::bigint << 32) | (x & 4294967295) as k
               from unnest(p_ids) x order by 1) o;
    begin
        perform adopt.sync_source(p_table,
            adopt.source_sql(p_table, st.legacy_schema, st.legacy_timezone, null, false, p_base), p_ids);
        return true;
    exception
        when deadlock_detected or serialization_failure or lock_not_available then
            -- transient (e.g. two writers' rollup rows taken in opposite orders): not the row's
            -- fault, so not a quarantine reason; the capture entries stay for the drain
            return false;
        when others then
            v_err := sqlerrm;
    end;
    begin
        -- remove what the ids held (core row, mapping, quarantine), then quarantine the rows as refused
        perform adopt.sync_source(p_table,
            adopt.source_sql(p_table, st.legacy_schema, st.legacy_timezone, null, false,
                             format('select l.* from (%s) l where false', p_base)), p_ids);
        execute format('insert into adopt.quarantine (legacy_table, legacy_id, reason, row)'
                       ' select %L, l.id, %L, to_jsonb(l) from (%s) l'
                       ' on conflict (legacy_table, legacy_id) do update set reason = excluded.reason, row = excluded.row,'
                       ' quarantined_at = now()', p_table, 'rejected: ' || v_err, p_base);
        return true;
    exception when others then
        return false;
    end;
end
$$;
comment on function adopt.sync_base(text, text, bigint[]) is
    'Applies the legacy-shaped rows of query p_base (typed as table_state''s legacy table p_table) '
    'and the removal of the ids p_ids it no longer returns, in a subtransaction: adopted, or '
    'quarantined by the rules, or, when a core constraint refuses them, quarantined as '
    '''rejected: <error>''. False (nothing changed) on a transient error (deadlock, serialization '
    'failure, lock not available) or when even the quarantine failed.';

create function adopt.apply_ids(p_table text, p_ids bigint[])
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    st adopt.table_state;
begin
    select * into st from adopt.table_state t where t.legacy_table = p_table;
    if not found then
        return false;
    end if;
    return adopt.sync_base(p_table, format('select l.* from %I.%I l where l.id = any(%L::bigint[])',
                                           st.legacy_schema, p_table, p_ids), p_ids);
end
$$;
comment on function adopt.apply_ids(text, bigint[]) is
    'Applies the current legacy rows of ids p_ids of p_table (gone ids removed) as adopt.sync_base '
    'does: never raises for a row; false when the apply itself failed (the capture entries stay).';

create function adopt.tg__apply()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, adopt, pg_temp
as $$
declare
    v_ids bigint[];
begin
    -- only on the table adoption reads (not on a moved copy of it)
    if not exists (select 1 from adopt.table_state s
                    where s.legacy_table = tg_table_name and s.legacy_schema = tg_table_schema) then
        return null;
    end if;
    if tg_op = 'DELETE' then
        v_ids := array[old.id::bigint];
    elsif tg_op = 'UPDATE' and old.id is distinct from new.id then
        v_ids := array[new.id::bigint, old.id::bigint];
    else
        v_ids := array[new.id::bigint];
    end if;
    if adopt.apply_ids(tg_table_name, v_ids) then
        -- the ids' current state is applied: their capture entries are done with
        delete from adopt.capture c where c.legacy_table = tg_table_name and c.legacy_id = any(v_ids);
    end if;
    return null;
end
$$;
comment on function adopt.tg__apply() is
    'AFTER row trigger tg_<table>__adopt_sync (fires after tg_<table>__adopt_capture): applies the '
    'written ids to core in the writer''s transaction (adopt.apply_ids) and removes their capture '
    'entries; an apply that fails leaves them in the backlog and never fails the write. Security '
    'definer so the application role can run it.';

create function adopt.install_apply(p_schema text, p_table text)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    v_trigger text := 'tg_' || p_table || '__adopt_sync';
begin
    if exists (select 1 from pg_catalog.pg_trigger t
                where t.tgrelid = format('%I.%I', p_schema, p_table)::regclass and t.tgname = v_trigger) then
        return false;
    end if;
    execute format('create trigger %I after insert or update or delete on %I.%I '
                   'for each row execute function adopt.tg__apply()', v_trigger, p_schema, p_table);
    return true;
end
$$;
comment on function adopt.install_apply(text, text) is
    'Creates trigger tg_<table>__adopt_sync (continuous apply) on a backfilled legacy table: a '
    'SHARE ROW EXCLUSIVE lock for a moment (call it under the lock ramp). False when it exists.';

create function adopt.remove_apply(p_schema text, p_table text)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    v_trigger text := 'tg_' || p_table || '__adopt_sync';
begin
    if not exists (select 1 from pg_catalog.pg_trigger t
                    where t.tgrelid = format('%I.%I', p_schema, p_table)::regclass and t.tgname = v_trigger) then
        return false;
    end if;
    execute format('drop trigger %I on %I.%I', v_trigger, p_schema, p_table);
    return true;
end
$$;
comment on function adopt.remove_apply(text, text) is
    'Drops the continuous-apply trigger of a legacy table; false when there was none.';

commit;
