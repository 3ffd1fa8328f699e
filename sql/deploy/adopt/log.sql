-- Deploy lokdarpan:adopt/log to pg
-- requires: adopt/schema
-- The bookkeeping of an adoption: which legacy tables are captured and how far their backfill
-- got (table_state), every legacy insert/update/delete since capture was installed (capture,
-- written by a row trigger on the legacy table, so no write is missed between "capture on" and
-- the end of the backfill), where each legacy row went (mapping: legacy id -> core id, with the
-- legacy values core has no column for in legacy_extra) and the rows the new rules cannot hold
-- (quarantine: the legacy row as jsonb, its id and the reason). A legacy id is in mapping or in
-- quarantine, never both: every sync replaces the id's previous state in one transaction.

begin;

create table adopt.table_state (
    legacy_table          text constraint pk_table_state primary key,
    legacy_schema         text not null,
    legacy_timezone       text not null,
    key_order             smallint not null,
    phase                 text not null default 'capturing',
    position              bigint,
    backfill_until        bigint,
    capture_installed_at  timestamptz not null default now(),
    backfill_started_at   timestamptz,
    backfilled_at         timestamptz,
    constraint ck_table_state__phase check (phase in ('capturing', 'backfilling', 'synced')),
    constraint ck_table_state__table check (legacy_table in ('user', 'author', 'epaper', 'post', 'alert'))
);
comment on table adopt.table_state is
    'One row per captured legacy table: its schema and time zone, its place in key order, the '
    'phase (capturing, backfilling, synced) and position, the last legacy id the backfill copied '
    '(a killed backfill resumes after it).';
comment on column adopt.table_state.legacy_timezone is
    'Time zone the legacy naive timestamps are read in (--legacy-timezone).';
comment on column adopt.table_state.key_order is
    'Backfill order: referenced tables first ("user", author, epaper, post, alert).';
comment on column adopt.table_state.backfill_until is
    'max(id) of the legacy table once its capture trigger existed: the backfill copies ids up to '
    'it; any later row is in the capture log (so the backfill ends even while the application inserts).';
comment on column adopt.table_state.position is
    'Last legacy id copied by the backfill (NULL: nothing yet); advanced in the transaction that copies the batch.';

create table adopt.capture (
    capture_id    bigint generated always as identity constraint pk_capture primary key,
    legacy_table  text not null,
    legacy_id     bigint not null,
    op            text not null,
    captured_at   timestamptz not null default clock_timestamp(),
    constraint ck_capture__op check (op in ('INSERT', 'UPDATE', 'DELETE'))
);
create index ix_capture__legacy_table__legacy_id on adopt.capture (legacy_table, legacy_id);
comment on table adopt.capture is
    'Change capture: one row per legacy row written since capture was installed (the id only: '
    'apply re-reads the legacy row''s current state). Rows are deleted once applied; what is left '
    'is the backlog.';

create table adopt.mapping (
    legacy_table  text not null,
    legacy_id     bigint not null,
    core_id       bigint not null,
    duplicate_of  bigint,
    legacy_extra  jsonb not null default '{}',
    adopted_at    timestamptz not null default now(),
    constraint pk_mapping primary key (legacy_table, legacy_id),
    constraint ck_mapping__extra check (jsonb_typeof(legacy_extra) = 'object')
);
create index ix_mapping__legacy_table__core_id on adopt.mapping (legacy_table, core_id);
comment on table adopt.mapping is
    'Adopted legacy rows: legacy id -> core id (ids are kept, so equal except for a duplicate '
    'e-paper, which maps to the core e-paper holding its text).';
comment on column adopt.mapping.duplicate_of is
    'The core id holding the same content (post fingerprint, e-paper raw text), when this row is a duplicate.';
comment on column adopt.mapping.legacy_extra is
    'Legacy values core has no column for or stores differently (raw ward label, author party, '
    'legacy sha256, last_failed_login, raw severity/status, unknown columns), keyed by legacy column name.';

create table adopt.quarantine (
    legacy_table    text not null,
    legacy_id       bigint not null,
    reason          text not null,
    row             jsonb not null,
    quarantined_at  timestamptz not null default now(),
    constraint pk_quarantine primary key (legacy_table, legacy_id)
);
create index ix_quarantine__legacy_table__reason on adopt.quarantine (legacy_table, reason);
comment on table adopt.quarantine is
    'Legacy rows the new rules cannot hold (unknown ward, city-wide row, bad text, bad email, ...): '
    'kept with their id and the legacy row as jsonb; adopt requeue retries them.';
comment on column adopt.quarantine.reason is
    'Why: no_ward, unknown_ward, bad_text, author_not_adopted, epaper_not_adopted, bad_email, '
    'bad_username, bad_password_hash, duplicate_username, duplicate_email, bad_name, duplicate_name, '
    'bad_publication, or rejected: <error> (a core constraint refused the row).';

create function adopt.tg__capture()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, adopt, pg_temp
as $$
begin
    if tg_op = 'DELETE' then
        insert into adopt.capture (legacy_table, legacy_id, op) values (tg_table_name, old.id, tg_op);
    else
        insert into adopt.capture (legacy_table, legacy_id, op) values (tg_table_name, new.id, tg_op);
        if tg_op = 'UPDATE' and old.id is distinct from new.id then
            insert into adopt.capture (legacy_table, legacy_id, op) values (tg_table_name, old.id, 'DELETE');
        end if;
    end if;
    return null;
end
$$;
comment on function adopt.tg__capture() is
    'AFTER row trigger on a legacy table: records the written id in adopt.capture (an id change '
    'also records the old id as deleted). Security definer so the application role, which only '
    'has rights on its own tables, can write the capture log.';

create function adopt.install_capture(p_schema text, p_table text, p_timezone text, p_key_order smallint)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    v_trigger text := 'tg_' || p_table || '__adopt_capture';
    v_until   bigint;
begin
    if exists (select 1 from pg_catalog.pg_trigger t
                where t.tgrelid = format('%I.%I', p_schema, p_table)::regclass and t.tgname = v_trigger) then
        return false;
    end if;
    execute format('create trigger %I after insert or update or delete on %I.%I '
                   'for each row execute function adopt.tg__capture()', v_trigger, p_schema, p_table);
    -- creating the trigger waited for every transaction writing the table, so every row not
    -- captured is committed and visible now: the backfill need not look past this id
    execute format('select max(id) from %I.%I', p_schema, p_table) into v_until;
    insert into adopt.table_state (legacy_table, legacy_schema, legacy_timezone, key_order, backfill_until)
    values (p_table, p_schema, p_timezone, p_key_order, v_until)
    on conflict (legacy_table) do update set backfill_until = excluded.backfill_until;
    return true;
end
$$;
comment on function adopt.install_capture(text, text, text, smallint) is
    'Creates trigger tg_<table>__adopt_capture on the legacy table (a SHARE ROW EXCLUSIVE lock '
    'for a moment, after the writers in flight: call it under a short lock_timeout) and registers '
    'the table with its backfill_until; false when it was already installed. Idempotent.';

create function adopt.remove_capture(p_schema text, p_table text)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    v_trigger text := 'tg_' || p_table || '__adopt_capture';
begin
    if not exists (select 1 from pg_catalog.pg_trigger t
                    where t.tgrelid = format('%I.%I', p_schema, p_table)::regclass and t.tgname = v_trigger) then
        return false;
    end if;
    execute format('drop trigger %I on %I.%I', v_trigger, p_schema, p_table);
    return true;
end
$$;
comment on function adopt.remove_capture(text, text) is
    'Drops the capture trigger of a legacy table; false when there was none. Leaves the bookkeeping.';

commit;
