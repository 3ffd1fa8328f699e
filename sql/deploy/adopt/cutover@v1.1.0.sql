-- Deploy lokdarpan:adopt/cutover to pg
-- requires: adopt/apply
-- Cutover, rollback and finish of an adoption (docs/adopt.md, "Cutover").
--
-- cutover: in one short transaction (adopt.cutover_switch, called under the lock ramp) the
-- legacy tables move to schema lokdarpan_legacy (kept intact) and compatibility objects take
-- their names in the legacy schema, so the unchanged application keeps working:
--   * "user", author, post, alert become views over core (+ adopt.mapping.legacy_extra for the
--     legacy values core does not hold, + adopt.quarantine for the rows core cannot hold), in the
--     legacy column names, order and types, with INSTEAD OF triggers (adopt.tg__compat) that
--     write through the same rules as the backfill (adopted, or quarantined: never an error for
--     a row the rules refuse) and raise unique_violation on the legacy unique keys (author.name,
--     "user".username / email, id) the application's race handling relies on;
--   * epaper becomes a real table in the legacy shape (adopt.epaper_compat, filled before the
--     switch by adopt.prepare_epaper/copy_epaper and a mirror trigger), because the
--     application's `GROUP BY epaper.id` needs a table primary key (a view has none); its writes
--     reach core.epaper through the same capture trigger as before the cutover.
-- Sequences are set past every id (legacy, core, quarantine); views on the legacy tables are
-- re-bound to the compatibility objects; foreign keys from other tables into "user", author and
-- epaper are replaced by NOT VALID ones into core.app_user, core.author and the compatibility
-- epaper (into post and alert: dropped, core has no single-column key there); materialized
-- views are rebuilt over the compatibility objects after the switch (adopt.matview_build/swap).
-- Every id written through the compatibility objects is logged (adopt.compat_log) so that
-- rollback carries exactly those rows back to the legacy tables: most of them in batches while
-- the application runs (adopt.rollback_carry), the last few inside the short switch
-- (adopt.rollback_switch), which locks only the compatibility objects and the moved tables.

begin;

create table adopt.cutover_state (
    singleton       boolean not null default true constraint pk_cutover_state primary key,
    phase           text not null,
    legacy_schema   text not null,
    cutover_at      timestamptz,
    rolled_back_at  timestamptz,
    finished_at     timestamptz,
    legacy_dropped  boolean not null default false,
    constraint ck_cutover_state__singleton check (singleton),
    constraint ck_cutover_state__phase check (phase in ('cutover', 'rolled_back', 'finished'))
);
comment on table adopt.cutover_state is
    'Where the adoption stands after its backfill: cutover (compatibility objects in place, '
    'rollback possible), rolled_back (legacy tables back, capture on) or finished (capture ended).';

create table adopt.compat_log (
    legacy_table  text not null,
    legacy_id     bigint not null,
    logged_at     timestamptz not null default clock_timestamp(),
    constraint pk_compat_log primary key (legacy_table, legacy_id)
);
comment on table adopt.compat_log is
    'Every legacy id written (inserted, updated, deleted) through a compatibility object since '
    'the cutover: rollback carries exactly these rows back to the legacy tables.';

create table adopt.dependent (
    kind        text not null,
    name        text not null,
    on_table    text not null,
    definition  text not null,
    extra       text,
    constraint pk_dependent primary key (kind, name),
    constraint ck_dependent__kind check (kind in ('view', 'materialized view', 'foreign key'))
);
comment on table adopt.dependent is
    'Objects of the application that depended on the legacy tables at cutover, with their '
    'definition (views: the query, qualified; foreign keys: the constraint on table extra), so '
    'cutover and rollback can re-point them.';

create function adopt.core_key(p_table text)
returns table (core_table text, core_column text)
language sql
immutable
set search_path = pg_catalog
as $$
    select x.t, x.c
      from (values ('user', 'core.app_user', 'user_id'), ('author', 'core.author', 'author_id'),
                   ('epaper', 'core.epaper', 'epaper_id'), ('post', 'core.post', 'post_id'),
                   ('alert', 'core.alert', 'alert_id')) as x(l, t, c)
     where x.l = p_table
$$;
comment on function adopt.core_key(text) is 'The core table and id column a legacy table''s rows are adopted into.';

create function adopt.compat_view_sql(p_table text, p_legacy regclass, p_timezone text, p_ids text default null)
returns text
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    v_cols  jsonb;
    v_sel   text[] := '{}';
    v_q     text[] := '{}';
    v_expr  text;
    v_ids   text;
    k       record;
    a       record;
begin
    -- legacy column -> core expression (alias c; m = the mapping, NULL for a core-native row);
    -- '@' marks a timestamptz read back in the legacy time zone when the legacy column is naive
    v_cols := case p_table
        when 'user' then jsonb_build_object('id', 'c.user_id', 'username', 'c.username', 'email', 'c.email',
            'password_hash', 'c.password_hash', 'created_at', '@c.created_at', 'last_login', '@c.last_login_at',
            'is_active', 'c.is_active', 'failed_login_attempts', 'c.failed_login_count')
        when 'author' then jsonb_build_object('id', 'c.author_id', 'name', 'c.name')
        when 'post' then jsonb_build_object('id', 'c.post_id', 'text', 'c.text', 'author_id', 'c.author_id',
            'city', 'c.city', 'emotion', 'coalesce(c.emotion_raw, case when m.legacy_id is null then c.emotion end)',
            'party', 'coalesce(c.party_raw, case when m.legacy_id is null then c.party end)',
            'created_at', '@c.created_at', 'epaper_id', 'c.epaper_id', 'search_vector', 'c.search_vector')
        when 'alert' then jsonb_build_object('id', 'c.alert_id', 'ward', 'c.ward_name', 'description', 'c.description',
            'severity', 'c.severity', 'opportunities', 'c.opportunities', 'threats', 'c.threats',
            'actionable_alerts', 'c.actionable_alerts', 'source_articles', 'c.source_articles',
            'created_at', '@c.created_at', 'updated_at', '@c.updated_at', 'status', 'c.status')
    end;
    if v_cols is null then
        raise exception 'adopt: no compatibility view for legacy table %', quote_literal(p_table)
            using errcode = 'invalid_parameter_value';
    end if;
    select * into k from adopt.core_key(p_table);
    for a in select at.attname, format_type(at.atttypid, at.atttypmod) as typ, at.atttypid
               from pg_catalog.pg_attribute at
              where at.attrelid = p_legacy and at.attnum > 0 and not at.attisdropped
              order by at.attnum loop
        v_expr := v_cols ->> a.attname;
        if v_expr like '@%' then
            v_expr := substr(v_expr, 2);
            if a.atttypid = 'timestamp'::regtype then
                v_expr := format('(%s at time zone %L)', v_expr, p_timezone);
            end if;
        end if;
        if a.attname = 'id' then
            -- the legacy type (integer), not core's bigint: a changed result type would break the
            -- application's cached plans ("cached plan must not change result type"); the price:
            -- WHERE id = $1 through the view cannot use core's key (rollback reads by p_ids instead)
            v_sel := v_sel || format('(%s)::%s as id', v_expr, a.typ);
            v_q := v_q || format('q.legacy_id::%s as id', a.typ);
        else
            -- a value in legacy_extra is the legacy value itself (raw label, a column core lacks)
            -- (m is the row's mapping only when it holds legacy values: whether the row is adopted
            -- at all is looked up through the mapping's key where a column needs to know)
            v_sel := v_sel || format('(case when m.legacy_extra ? %L then (m.legacy_extra ->> %L)::%s else (%s)::%s end) as %I',
                                     a.attname, a.attname, a.typ,
                                     coalesce(replace(v_expr, 'm.legacy_id is null',
                                                      format('not exists (select 1 from adopt.mapping m0 where m0.legacy_table = %L'
                                                             ' and m0.legacy_id = c.%I)', p_table, k.core_column)), 'null'),
                                     a.typ, a.attname);
            v_q := v_q || format('(q.row ->> %L)::%s as %I', a.attname, a.typ, a.attname);
        end if;
    end loop;
    v_ids := case when p_ids is not null then format(' where c.%I in (%s)', k.core_column, p_ids) else '' end;
    -- one scan of core: the left join reads only the mapping rows that hold legacy values (few
    -- for posts: a raw ward label, a remapped e-paper; the partial index
    -- ix_mapping__legacy_table__legacy_id__extra), not a mapping row per core row; whether a
    -- row without such values is adopted at all is asked per row returned, through the
    -- mapping's key, and only by the columns that need it. Then the quarantined rows.
    return format('select %1$s from %2$s c left join adopt.mapping m on m.legacy_table = %3$L and m.legacy_id = c.%4$I'
                  ' and m.legacy_extra <> ''{}''%5$s'
                  ' union all select %6$s from adopt.quarantine q where q.legacy_table = %3$L%7$s',
                  array_to_string(v_sel, ', '), k.core_table, p_table, k.core_column, v_ids,
                  array_to_string(v_q, ', '),
                  case when p_ids is not null then format(' and q.legacy_id in (%s)', p_ids) else '' end);
end
$$;
comment on function adopt.compat_view_sql(text, regclass, text, text) is
    'The query of the compatibility view of legacy table p_table: its columns in the order and '
    'types of p_legacy, adopted rows read from core (naive timestamps back in p_timezone; the '
    'legacy values core lacks from adopt.mapping.legacy_extra), core-native rows, and the '
    'quarantined rows from adopt.quarantine. p_ids (a subquery of ids): only those rows, read '
    'through core''s and the quarantine''s keys.';

create function adopt.tg__compat()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, adopt, pg_temp
as $$
declare
    v_ids   bigint[];
    v_rows  jsonb := '[]';
    v_dup   boolean;
    v_obj   text := format('%I.%I', tg_table_schema, tg_table_name);
    k       record;
    v_try   integer;
begin
    if tg_op <> 'DELETE' then
        if new.id is null then
            raise exception 'null value in column "id" of relation "%" violates not-null constraint', tg_table_name
                using errcode = 'not_null_violation', column = 'id', table = tg_table_name, schema = tg_table_schema;
        end if;
        -- the legacy unique keys, checked under a lock per key value so two racing writers see
        -- each other (the application catches the unique violation and reads the row again)
        perform pg_advisory_xact_lock(hashtext('adopt.compat.' || tg_table_name), hashtext(new.id::text));
        if tg_op = 'INSERT' or new.id <> old.id then
            -- through core's and the quarantine's keys (the view's integer id has no index)
            select * into k from adopt.core_key(tg_table_name);
            execute format('select exists (select 1 from %s c where c.%I = $1)'
                           ' or exists (select 1 from adopt.quarantine q where q.legacy_table = %L and q.legacy_id = $1)',
                           k.core_table, k.core_column, tg_table_name) into v_dup using new.id::bigint;
            if v_dup then
                raise exception 'duplicate key value violates unique constraint "%_pkey"', tg_table_name
                    using errcode = 'unique_violation', constraint = tg_table_name || '_pkey',
                          detail = format('Key (id)=(%s) already exists.', new.id), table = tg_table_name,
                          schema = tg_table_schema;
            end if;
        end if;
        if tg_table_name = 'author' then
            perform pg_advisory_xact_lock(hashtext('adopt.compat.author.name'), hashtext(new.name));
            execute format('select exists (select 1 from %s x where x.name = $1 and x.id <> $2)', v_obj)
               into v_dup using new.name, new.id;
            if v_dup then
                raise exception 'duplicate key value violates unique constraint "author_name_key"'
                    using errcode = 'unique_violation', constraint = 'author_name_key',
                          detail = format('Key (name)=(%s) already exists.', new.name), table = 'author',
                          schema = tg_table_schema;
            end if;
        elsif tg_table_name = 'user' then
            perform pg_advisory_xact_lock(hashtext('adopt.compat.user.username'), hashtext(new.username));
            perform pg_advisory_xact_lock(hashtext('adopt.compat.user.email'), hashtext(new.email));
            execute format('select exists (select 1 from %s x where x.username = $1 and x.id <> $2)', v_obj)
               into v_dup using new.username, new.id;
            if v_dup then
                raise exception 'duplicate key value violates unique constraint "ix_user_username"'
                    using errcode = 'unique_violation', constraint = 'ix_user_username',
                          detail = format('Key (username)=(%s) already exists.', new.username), table = 'user',
                          schema = tg_table_schema;
            end if;
            execute format('select exists (select 1 from %s x where x.email = $1 and x.id <> $2)', v_obj)
               into v_dup using new.email, new.id;
            if v_dup then
                raise exception 'duplicate key value violates unique constraint "ix_user_email"'
                    using errcode = 'unique_violation', constraint = 'ix_user_email',
                          detail = format('Key (email)=(%s) already exists.', new.email), table = 'user',
                          schema = tg_table_schema;
            end if;
        end if;
        v_rows := jsonb_build_array(to_jsonb(new));
    end if;
    v_ids := case tg_op when 'INSERT' then array[new.id::bigint]
                        when 'DELETE' then array[old.id::bigint]
                        else array(select distinct x from unnest(array[old.id::bigint, new.id::bigint]) x) end;
    -- a transient failure (deadlock with another writer) is retried: the other one has gone on
    for v_try in 1..5 loop
        exit when adopt.sync_base(tg_table_name,
                                  format('select l.* from jsonb_populate_recordset(null::%s, %L::jsonb) l', v_obj, v_rows),
                                  v_ids);
        if v_try = 5 then
            raise exception 'adopt: % id % could be written neither to core nor to the quarantine', v_obj, v_ids
                using errcode = 'internal_error';
        end if;
        perform pg_sleep(0.01 * v_try);
    end loop;
    insert into adopt.compat_log (legacy_table, legacy_id)
    select tg_table_name, x from unnest(v_ids) x
    on conflict (legacy_table, legacy_id) do update set logged_at = excluded.logged_at;
    return case when tg_op = 'DELETE' then old else new end;
end
$$;
comment on function adopt.tg__compat() is
    'INSTEAD OF trigger of a compatibility view ("user", author, post, alert): raises '
    'unique_violation on the legacy unique keys (id; author.name; "user".username and email), '
    'then writes the row through the adoption rules (core + mapping, or the quarantine; a row a '
    'core constraint refuses is quarantined too) and logs its id for rollback. Returns the row, '
    'so RETURNING and the rowcount are those of the legacy table.';

create function adopt.tg__compat_log()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, adopt, pg_temp
as $$
begin
    insert into adopt.compat_log (legacy_table, legacy_id)
    select tg_table_name, x
      from unnest(case when tg_op = 'INSERT' then array[new.id::bigint]
                       when tg_op = 'DELETE' then array[old.id::bigint]
                       else array[old.id::bigint, new.id::bigint] end) x
    on conflict (legacy_table, legacy_id) do update set logged_at = excluded.logged_at;
    return null;
end
$$;
comment on function adopt.tg__compat_log() is
    'AFTER row trigger of the compatibility epaper table: logs every written id for rollback.';

create function adopt.tg__mirror_epaper()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, adopt, pg_temp
as $$
declare
    v_cols text;
begin
    begin
        if tg_op = 'DELETE' or (tg_op = 'UPDATE' and old.id <> new.id) then
            delete from adopt.epaper_compat c where c.id = old.id;
        end if;
        if tg_op <> 'DELETE' then
            select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into v_cols
              from pg_catalog.pg_attribute a
             where a.attrelid = 'adopt.epaper_compat'::regclass and a.attnum > 0 and not a.attisdropped;
            execute format('insert into adopt.epaper_compat select ($1).* on conflict (id) do update set (%s) = '
                           '(select %s from (select ($1).*) x)', v_cols, v_cols) using new;
        end if;
    exception when others then
        -- never fail the application's write: cutover re-copies the id in its transaction
        insert into adopt.compat_log (legacy_table, legacy_id) values ('epaper', coalesce(new.id, old.id))
        on conflict (legacy_table, legacy_id) do nothing;
    end;
    return null;
end
$$;
comment on function adopt.tg__mirror_epaper() is
    'AFTER row trigger on the legacy epaper table between adopt.prepare_epaper and the cutover: '
    'mirrors each write into adopt.epaper_compat (an id it cannot mirror is logged and re-copied '
    'by the cutover); never fails the write.';

create function adopt.prepare_epaper()
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    v_schema text;
    v_rel    regclass;
begin
    select s.legacy_schema into v_schema from adopt.table_state s where s.legacy_table = 'epaper';
    if not found then
        return false;
    end if;
    v_rel := format('%I.epaper', v_schema)::regclass;
    if to_regclass('adopt.epaper_compat') is null then
        execute format('create table adopt.epaper_compat (like %s including defaults including constraints'
                       ' including identity including generated including comments)', v_rel);
        alter table adopt.epaper_compat add constraint epaper_compat_pkey primary key (id);
        comment on table adopt.epaper_compat is
            'The compatibility epaper table being filled before the cutover (becomes <legacy schema>.epaper).';
        delete from adopt.compat_log where legacy_table = 'epaper';
    end if;
    if not exists (select 1 from pg_catalog.pg_trigger t where t.tgrelid = v_rel and t.tgname = 'tg_epaper__adopt_mirror') then
        execute format('create trigger tg_epaper__adopt_mirror after insert or update or delete on %s'
                       ' for each row execute function adopt.tg__mirror_epaper()', v_rel);
    end if;
    return true;
end
$$;
comment on function adopt.prepare_epaper() is
    'Creates adopt.epaper_compat in the shape of the legacy epaper table and the mirror trigger on '
    'the legacy table (SHARE ROW EXCLUSIVE for a moment: call it under the lock ramp). Idempotent; '
    'false when epaper is not adopted.';

create function adopt.copy_epaper()
returns bigint
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    v_schema text;
    v_n      bigint;
    i        record;
begin
    select s.legacy_schema into v_schema from adopt.table_state s where s.legacy_table = 'epaper';
    execute format('insert into adopt.epaper_compat select l.* from %I.epaper l on conflict (id) do nothing', v_schema);
    get diagnostics v_n = row_count;
    -- the legacy indexes (unique sha256 above all), under temporary names compat_<legacy index oid>
    for i in select x.indexrelid, pg_get_indexdef(x.indexrelid) as def
               from pg_catalog.pg_index x
              where x.indrelid = format('%I.epaper', v_schema)::regclass and not x.indisprimary loop
        if to_regclass('adopt.compat_' || i.indexrelid) is null then
            execute regexp_replace(i.def, '^(CREATE (UNIQUE )?INDEX )\S+ ON \S+ ',
                                   format('\1compat_%s ON adopt.epaper_compat ', i.indexrelid));
        end if;
    end loop;
    return v_n;
end
$$;
comment on function adopt.copy_epaper() is
    'Copies the legacy e-papers not yet in adopt.epaper_compat (reads the legacy table only; the '
    'mirror trigger keeps later writes) and builds the legacy indexes on it. Returns rows copied.';

create function adopt.copy_privileges(p_from regclass, p_to regclass)
returns void
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    d       record;
    v_owner oid := (select c.relowner from pg_catalog.pg_class c where c.oid = p_from);
begin
    -- the legacy owner (often the application's role) keeps what ownership gave it
    if v_owner <> (select r.oid from pg_catalog.pg_roles r where r.rolname = current_user) then
        execute format('grant select, insert, update, delete on %s to %I', p_to, pg_get_userbyid(v_owner));
    end if;
    for d in select (aclexplode(c.relacl)).* from pg_catalog.pg_class c where c.oid = p_from loop
        if d.grantee = 0 then
            execute format('grant %s on %s to public', d.privilege_type, p_to);
        elsif pg_get_userbyid(d.grantee) <> current_user then
            execute format('grant %s on %s to %I', d.privilege_type, p_to, pg_get_userbyid(d.grantee));
        end if;
    end loop;
end
$$;
comment on function adopt.copy_privileges(regclass, regclass) is
    'Grants on p_to what p_from grants (and DML to p_from''s owner when that is another role).';

create function adopt.matview_build(p_name text)
returns text
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    d     adopt.dependent;
    c     record;
    i     record;
    v_new text;
begin
    select * into d from adopt.dependent x where x.kind = 'materialized view' and x.name = p_name;
    if not found then
        raise exception 'adopt: % is no recorded dependent materialized view', p_name using errcode = 'undefined_object';
    end if;
    select n.nspname, r.relname, r.oid into c
      from pg_catalog.pg_class r join pg_catalog.pg_namespace n on n.oid = r.relnamespace where r.oid = p_name::regclass;
    v_new := format('%I.%I', c.nspname, left(c.relname, 50) || '__adopt_new');
    execute format('drop materialized view if exists %s', v_new);
    execute format('create materialized view %s as %s', v_new, d.definition);
    for i in select pg_get_indexdef(x.indexrelid) as def, ic.relname
               from pg_catalog.pg_index x join pg_catalog.pg_class ic on ic.oid = x.indexrelid
              where x.indrelid = c.oid loop
        execute regexp_replace(i.def, '^(CREATE (UNIQUE )?INDEX )\S+ ON \S+ ',
                               format('\1%I ON %s ', left(i.relname, 50) || '__adopt_new', v_new));
    end loop;
    return v_new;
end
$$;
comment on function adopt.matview_build(text) is
    'Builds <name>__adopt_new from the recorded definition of dependent materialized view p_name '
    '(after cutover: over the compatibility objects), with its indexes. Locks nothing the '
    'application uses; adopt.matview_swap puts it in place.';

create function adopt.matview_swap(p_name text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    c     record;
    i     record;
    v_new text;
begin
    select n.nspname, r.relname, r.oid into c
      from pg_catalog.pg_class r join pg_catalog.pg_namespace n on n.oid = r.relnamespace where r.oid = p_name::regclass;
    v_new := format('%I.%I', c.nspname, left(c.relname, 50) || '__adopt_new');
    execute format('alter materialized view %s set schema lokdarpan_legacy', p_name);
    execute format('alter materialized view %s rename to %I', v_new, c.relname);
    for i in select ic.relname from pg_catalog.pg_index x join pg_catalog.pg_class ic on ic.oid = x.indexrelid
              where x.indrelid = p_name::regclass and ic.relname like '%\_\_adopt\_new' loop
        execute format('alter index %I.%I rename to %I', c.nspname, i.relname, left(i.relname, length(i.relname) - 11));
    end loop;
    perform adopt.copy_privileges(format('lokdarpan_legacy.%I', c.relname)::regclass, p_name::regclass);
end
$$;
comment on function adopt.matview_swap(text) is
    'Puts the rebuilt <name>__adopt_new in place of dependent materialized view p_name (one '
    'rename under ACCESS EXCLUSIVE: call it under the lock ramp); the original, with its data as '
    'of cutover, moves to lokdarpan_legacy.';

create function adopt.cutover_switch()
returns setof text
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    v_schema  text;
    v_tz      text;
    v_tables  text[];
    t         text;
    d         record;
    k         record;
    v_max     bigint;
    v_seq     text;
    v_lseq    text;
    v_n       bigint;
    v_ref     text;
begin
    select array_agg(s.legacy_table order by s.key_order), min(s.legacy_schema), min(s.legacy_timezone)
      into v_tables, v_schema, v_tz from adopt.table_state s;
    if v_tables is null then
        raise exception 'adopt: adoption has not started (no captured table)' using errcode = 'object_not_in_prerequisite_state';
    end if;
    if exists (select 1 from adopt.cutover_state c where c.phase in ('cutover', 'finished')) then
        raise exception 'adopt: already cut over' using errcode = 'object_not_in_prerequisite_state';
    end if;
    if exists (select 1 from adopt.table_state s where s.phase <> 'synced') then
        raise exception 'adopt: the backfill is not done (adopt status): run adopt start first'
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    if 'epaper' = any(v_tables) and to_regclass('adopt.epaper_compat') is null then
        raise exception 'adopt: adopt.epaper_compat is missing (adopt.prepare_epaper)' using errcode = 'object_not_in_prerequisite_state';
    end if;
    -- 1. every lock first, in key order: a lock_timeout fires before anything changed
    foreach t in array v_tables loop
        execute format('lock table %I.%I in access exclusive mode', v_schema, t);
    end loop;
    if 'epaper' = any(v_tables) then
        lock table adopt.epaper_compat in access exclusive mode;
    end if;
    -- 2. the backlog: nothing can be added to it now
    loop
        select coalesce(sum(a.n_entries), 0) into v_n from adopt.apply_capture(100000) a;
        exit when v_n = 0;
    end loop;
    if exists (select 1 from adopt.capture c where c.legacy_table = any(v_tables)) then
        raise exception 'adopt: % capture entries could not be applied (adopt status)',
            (select count(*) from adopt.capture) using errcode = 'object_not_in_prerequisite_state';
    end if;
    return next format('backlog applied');
    -- 3. what depends on the legacy tables, with definitions qualified (search_path is pg_catalog here)
    delete from adopt.dependent;
    insert into adopt.dependent (kind, name, on_table, definition)
    select distinct case v.relkind when 'm' then 'materialized view' else 'view' end, v.oid::regclass::text,
           tl.relname, pg_get_viewdef(v.oid)
      from pg_catalog.pg_depend dp
      join pg_catalog.pg_rewrite r on r.oid = dp.objid
      join pg_catalog.pg_class v on v.oid = r.ev_class
      join pg_catalog.pg_class tl on tl.oid = dp.refobjid
      join pg_catalog.pg_namespace n on n.oid = tl.relnamespace
     where dp.classid = 'pg_rewrite'::regclass and dp.refclassid = 'pg_class'::regclass
       and n.nspname = v_schema and tl.relname = any(v_tables) and v.oid <> tl.oid;
    insert into adopt.dependent (kind, name, on_table, definition, extra)
    select 'foreign key', c.conname, tl.relname, pg_get_constraintdef(c.oid), c.conrelid::regclass::text
      from pg_catalog.pg_constraint c
      join pg_catalog.pg_class tl on tl.oid = c.confrelid
      join pg_catalog.pg_namespace n on n.oid = tl.relnamespace
      join pg_catalog.pg_class src on src.oid = c.conrelid
      join pg_catalog.pg_namespace sn on sn.oid = src.relnamespace
     where c.contype = 'f' and n.nspname = v_schema and tl.relname = any(v_tables)
       and not (sn.nspname = v_schema and src.relname = any(v_tables));
    -- 4. the compatibility epaper table catches up: ids the mirror could not write, rows gone, rows missing
    if 'epaper' = any(v_tables) then
        execute format('delete from adopt.epaper_compat c where c.id in (select g.legacy_id from adopt.compat_log g'
                       ' where g.legacy_table = ''epaper'') or not exists (select 1 from %I.epaper l where l.id = c.id)',
                       v_schema);
        execute format('insert into adopt.epaper_compat select l.* from %I.epaper l'
                       ' where not exists (select 1 from adopt.epaper_compat c where c.id = l.id)', v_schema);
        execute format('drop trigger tg_epaper__adopt_mirror on %I.epaper', v_schema);
    end if;
    delete from adopt.compat_log;
    -- 5. the legacy tables move, intact (their sequences, indexes, triggers and data with them)
    create schema if not exists lokdarpan_legacy;
    comment on schema lokdarpan_legacy is
        'The legacy application tables as they were at adopt cutover (kept until adopt finish --drop-legacy).';
    foreach t in array v_tables loop
        execute format('alter table %I.%I set schema lokdarpan_legacy', v_schema, t);
    end loop;
    return next format('legacy tables moved to lokdarpan_legacy: %s', array_to_string(v_tables, ', '));
    -- 6. the compatibility objects, with the legacy tables' privileges
    foreach t in array v_tables loop
        select * into k from adopt.core_key(t);
        v_seq := pg_get_serial_sequence(k.core_table, k.core_column);
        if t = 'epaper' then
            execute format('alter table adopt.epaper_compat set schema %I', v_schema);
            execute format('alter table %I.epaper_compat rename to epaper', v_schema);
            execute format('alter index %I.epaper_compat_pkey rename to %I', v_schema,
                           (select ic.relname from pg_catalog.pg_index x join pg_catalog.pg_class ic on ic.oid = x.indexrelid
                             where x.indrelid = 'lokdarpan_legacy.epaper'::regclass and x.indisprimary));
            for d in select ic.relname as compat_name, lc.relname as legacy_name
                       from pg_catalog.pg_class ic
                       join pg_catalog.pg_namespace n on n.oid = ic.relnamespace
                       join pg_catalog.pg_class lc on lc.oid = substr(ic.relname, 8)::oid
                      where n.nspname = v_schema and ic.relname ~ '^compat_[0-9]+$' loop
                execute format('alter index %I.%I rename to %I', v_schema, d.compat_name, d.legacy_name);
            end loop;
            execute format('alter table %I.epaper alter column id set default nextval(%L::regclass)', v_schema, v_seq);
            execute format('create trigger tg_epaper__adopt_capture after insert or update or delete on %I.epaper'
                           ' for each row execute function adopt.tg__capture()', v_schema);
            perform adopt.install_apply(v_schema, 'epaper');
            execute format('create trigger tg_epaper__adopt_compat_log after insert or update or delete on %I.epaper'
                           ' for each row execute function adopt.tg__compat_log()', v_schema);
            execute format('comment on table %I.epaper is %L', v_schema,
                           'Compatibility table of the legacy epaper (adopt cutover): a table, so that GROUP BY '
                           'epaper.id works; every write reaches core.epaper through tg_epaper__adopt_sync.');
        else
            execute format('create view %I.%I as %s', v_schema, t,
                           adopt.compat_view_sql(t, format('lokdarpan_legacy.%I', t)::regclass, v_tz));
            execute format('alter view %I.%I alter column id set default nextval(%L::regclass)', v_schema, t, v_seq);
            -- the legacy column defaults (alert.status 'active', ...): an INSERT that leaves a column out gets them
            for d in select a.attname, pg_get_expr(ad.adbin, ad.adrelid) as expr
                       from pg_catalog.pg_attrdef ad
                       join pg_catalog.pg_attribute a on a.attrelid = ad.adrelid and a.attnum = ad.adnum
                      where ad.adrelid = format('lokdarpan_legacy.%I', t)::regclass and a.attname <> 'id' loop
                execute format('alter view %I.%I alter column %I set default %s', v_schema, t, d.attname, d.expr);
            end loop;
            execute format('create trigger %I instead of insert or update or delete on %I.%I'
                           ' for each row execute function adopt.tg__compat()', 'tg_' || t || '__adopt_compat', v_schema, t);
            execute format('comment on view %I.%I is %L', v_schema, t,
                           format('Compatibility view of the legacy %s (adopt cutover): rows from %s, '
                                  'adopt.mapping and adopt.quarantine; writes go through adopt.tg__compat.', t, k.core_table));
        end if;
        perform adopt.copy_privileges(format('lokdarpan_legacy.%I', t)::regclass, format('%I.%I', v_schema, t)::regclass);
        -- 7. sequences past every id: core's (which now hands out the ids) and the legacy one
        execute format('select greatest((select max(l.id) from lokdarpan_legacy.%I l), (select max(c.%I) from %s c),'
                       ' (select max(q.legacy_id) from adopt.quarantine q where q.legacy_table = %L))',
                       t, k.core_column, k.core_table, t) into v_max;
        if v_max is not null then
            perform setval(v_seq::regclass, v_max);
            v_lseq := pg_get_serial_sequence(format('lokdarpan_legacy.%I', t), 'id');
            if v_lseq is not null then
                perform setval(v_lseq::regclass, v_max);
            end if;
        end if;
    end loop;
    return next 'compatibility objects created; sequences set past every id';
    -- 8. foreign keys from the application's other tables
    for d in select * from adopt.dependent x where x.kind = 'foreign key' loop
        execute format('alter table %s drop constraint %I', d.extra, d.name);
        v_ref := case d.on_table when 'user' then 'core.app_user (user_id)' when 'author' then 'core.author (author_id)'
                                 when 'epaper' then format('%I.epaper (id)', v_schema) end;
        if v_ref is not null then
            execute format('alter table %s add constraint %I %s not valid', d.extra, d.name,
                           regexp_replace(d.definition, 'REFERENCES .*$', 'REFERENCES ' || v_ref));
            return next format('foreign key %s on %s now points at %s (NOT VALID)', d.name, d.extra, v_ref);
        else
            return next format('foreign key %s on %s dropped (core has no single-column key for %s)', d.name, d.extra, d.on_table);
        end if;
    end loop;
    -- 9. views re-bound to the compatibility objects (their qualified text now names those)
    for d in select * from adopt.dependent x where x.kind = 'view' loop
        execute format('create or replace view %s as %s', d.name, d.definition);
        return next format('view %s re-bound', d.name);
    end loop;
    insert into adopt.cutover_state (phase, legacy_schema, cutover_at)
    values ('cutover', v_schema, now())
    on conflict (singleton) do update set phase = 'cutover', cutover_at = now(), rolled_back_at = null;
end
$$;
comment on function adopt.cutover_switch() is
    'The cutover transaction (call it under the lock ramp; it takes ACCESS EXCLUSIVE on every '
    'legacy table first): applies the backlog, records the dependents, moves the legacy tables '
    'to lokdarpan_legacy, creates the compatibility objects with the legacy privileges, sets '
    'sequences past every id, re-points foreign keys and re-binds views. Returns what it did.';

create function adopt.rollback_state()
returns adopt.cutover_state
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    st adopt.cutover_state;
begin
    select * into st from adopt.cutover_state c;
    if not found or st.phase <> 'cutover' then
        raise exception 'adopt: rollback needs a cutover not finished (phase %)', coalesce(st.phase, 'none')
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    return st;
end
$$;
comment on function adopt.rollback_state() is
    'The cutover state when a rollback is possible (a cutover in place, not finished); raises '
    '55000 otherwise.';

create function adopt.rollback_carry(p_limit integer default null)
returns table (legacy_table text, deleted bigint, changed bigint, inserted bigint)
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    st       adopt.cutover_state;
    v_tables text[];
    t        text;
    k        record;
    v_cols   text;
    v_set    text;
    v_src    text;
    v_del    bigint;
    v_upd    bigint;
    v_ins    bigint;
begin
    st := adopt.rollback_state();
    select array_agg(s.legacy_table order by s.key_order) into v_tables from adopt.table_state s;
    -- 1. take the oldest p_limit logged ids (all with NULL), of every table in one statement, and
    -- delete their log entries. The rows are read in the NEXT statements, whose snapshot is later:
    -- a writer that commits after that read logs its id again (its upsert waits for this delete),
    -- so the id is carried again by a later call; nothing written is missed.
    if to_regclass('pg_temp.adopt_carry_ids') is not null then
        drop table pg_temp.adopt_carry_ids;
    end if;
    create temp table adopt_carry_ids on commit drop as
    with pick as (select g.legacy_table, g.legacy_id from adopt.compat_log g order by g.logged_at limit p_limit),
         taken as (delete from adopt.compat_log g using pick
                    where g.legacy_table = pick.legacy_table and g.legacy_id = pick.legacy_id
                   returning g.legacy_table, g.legacy_id)
    select * from taken;
    -- 2. deletes first, in reverse key order (posts before their authors): a logged id that is
    -- neither in core nor in the quarantine any more (epaper: not in its compatibility table)
    foreach t in array (select array_agg(x order by n desc) from unnest(v_tables) with ordinality u(x, n)) loop
        select * into k from adopt.core_key(t);
        execute format('delete from lokdarpan_legacy.%1$I l using pg_temp.adopt_carry_ids g'
                       ' where g.legacy_table = %2$L and l.id = g.legacy_id and not exists (%3$s)', t, t,
                       case when t = 'epaper' then format('select 1 from %I.epaper c where c.id = l.id', st.legacy_schema)
                            else format('select 1 from %s c where c.%I = l.id union all select 1 from adopt.quarantine q'
                                        ' where q.legacy_table = %L and q.legacy_id = l.id', k.core_table, k.core_column, t)
                       end);
        get diagnostics v_del = row_count;
        if v_del > 0 then
            legacy_table := t; deleted := v_del; changed := 0; inserted := 0;
            return next;
        end if;
    end loop;
    -- 3. then updates and inserts in key order (authors before their posts), read through core's
    -- and the quarantine's keys (not a scan of the views)
    foreach t in array v_tables loop
        continue when not exists (select 1 from pg_temp.adopt_carry_ids g where g.legacy_table = t);
        select string_agg(quote_ident(a.attname), ', ' order by a.attnum),
               string_agg(format('%1$I = c.%1$I', a.attname), ', ' order by a.attnum) filter (where a.attname <> 'id')
          into v_cols, v_set
          from pg_catalog.pg_attribute a
         where a.attrelid = format('lokdarpan_legacy.%I', t)::regclass and a.attnum > 0 and not a.attisdropped
           and a.attgenerated = '';
        if t = 'epaper' then
            v_src := format('select c.* from %I.epaper c where c.id in (select g.legacy_id from pg_temp.adopt_carry_ids g'
                            ' where g.legacy_table = %L)', st.legacy_schema, t);
        else
            v_src := adopt.compat_view_sql(t, format('lokdarpan_legacy.%I', t)::regclass,
                                           (select s.legacy_timezone from adopt.table_state s where s.legacy_table = t),
                                           format('select g.legacy_id from pg_temp.adopt_carry_ids g where g.legacy_table = %L', t));
        end if;
        execute format('create temp table adopt_carry on commit drop as %s', v_src);
        execute format('update lokdarpan_legacy.%1$I l set %2$s from pg_temp.adopt_carry c where l.id = c.id', t, v_set);
        get diagnostics v_upd = row_count;
        execute format('insert into lokdarpan_legacy.%1$I (%2$s) select %2$s from pg_temp.adopt_carry c'
                       ' where not exists (select 1 from lokdarpan_legacy.%1$I l where l.id = c.id)', t, v_cols);
        get diagnostics v_ins = row_count;
        drop table pg_temp.adopt_carry;
        -- the carried rows' capture entries (the moved table's capture trigger) stay: adopt
        -- rollback drains them once the table is back, which re-reads each row as the legacy
        -- table now holds it (a quarantined row's jsonb then has what the application's own
        -- triggers computed, as verify expects)
        if v_upd + v_ins > 0 then
            legacy_table := t; deleted := 0; changed := v_upd; inserted := v_ins;
            return next;
        end if;
    end loop;
    drop table pg_temp.adopt_carry_ids;
end
$$;
comment on function adopt.rollback_carry(integer) is
    'Carries the rows written through the compatibility objects since cutover (the oldest p_limit '
    'ids of adopt.compat_log, all with NULL) back into the legacy tables in lokdarpan_legacy, same '
    'ids (deletes, updates, inserts), and removes their log entries; an id written again later is '
    'logged again. Locks only rows and the legacy tables, which the application no longer uses: '
    'adopt rollback calls it in batches while the application runs, then once inside '
    'adopt.rollback_switch for the last few. Returns rows per table and kind of change.';

create function adopt.rollback_switch()
returns setof text
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    st       adopt.cutover_state;
    v_tables text[];
    t        text;
    d        record;
    k        record;
    c        record;
    v_max    bigint;
    v_lseq   text;
begin
    st := adopt.rollback_state();
    select array_agg(s.legacy_table order by s.key_order) into v_tables from adopt.table_state s;
    -- 1. every lock first, on the application's objects only, in a fixed order: each compatibility
    -- view by renaming it out of the way (ALTER VIEW locks the view alone; LOCK TABLE on a view
    -- would lock, recursively and in ACCESS EXCLUSIVE, core's tables with all their partitions,
    -- adopt.mapping and adopt.quarantine, which every statement of the application and every
    -- core reader uses: such an attempt is never granted under traffic), the compatibility
    -- epaper table, then the moved legacy tables (nobody uses those); the materialized views
    -- built over the compatibility objects are locked when dropped (LOCK TABLE refuses a
    -- materialized view). A lock not granted within lock_timeout rolls the attempt back whole.
    -- The post view first: its readers are the longest, and while the switch waits for them it
    -- holds nothing else, so the application's other tables never queue behind that wait.
    foreach t in array (select array_agg(x order by x <> 'post', n) from unnest(v_tables) with ordinality u(x, n)) loop
        if t = 'epaper' then
            execute format('lock table only %I.epaper in access exclusive mode', st.legacy_schema);
        else
            execute format('alter view %I.%I rename to %I', st.legacy_schema, t, t || '__adopt_compat');
        end if;
    end loop;
    foreach t in array v_tables loop
        execute format('lock table only lokdarpan_legacy.%I in access exclusive mode', t);
    end loop;
    -- 2. the rows written since adopt rollback's last carry (nothing can be written now)
    for c in select * from adopt.rollback_carry(null) loop
        return next format('%s: %s row(s) deleted, %s changed, %s inserted since cutover carried back',
                           c.legacy_table, c.deleted, c.changed, c.inserted);
    end loop;
    -- 3. foreign keys back as they were (NOT VALID here; adopt rollback validates them afterwards)
    for d in select * from adopt.dependent x where x.kind = 'foreign key' loop
        execute format('alter table %s drop constraint if exists %I', d.extra, d.name);
    end loop;
    -- 4. materialized views built over the compatibility objects go; the originals come back
    for d in select * from adopt.dependent x where x.kind = 'materialized view' loop
        if to_regclass(d.name) is not null
           and to_regclass('lokdarpan_legacy.' || quote_ident(split_part(d.name, '.', 2))) is not null then
            execute format('drop materialized view %s', d.name);
            execute format('alter materialized view lokdarpan_legacy.%s set schema %I',
                           quote_ident(split_part(d.name, '.', 2)), st.legacy_schema);
        end if;
    end loop;
    -- 5. the compatibility epaper table out of the way, legacy tables back, views re-bound,
    -- compatibility objects dropped
    foreach t in array v_tables loop
        if t = 'epaper' then
            -- out of the legacy schema with its indexes (they carry the legacy index names)
            execute format('alter table %I.epaper set schema adopt', st.legacy_schema);
            alter table adopt.epaper rename to epaper__adopt_compat;
        end if;
        execute format('alter table lokdarpan_legacy.%I set schema %I', t, st.legacy_schema);
    end loop;
    for d in select * from adopt.dependent x where x.kind = 'view' loop
        execute format('create or replace view %s as %s', d.name, d.definition);
    end loop;
    foreach t in array v_tables loop
        if t = 'epaper' then
            drop table adopt.epaper__adopt_compat;
        else
            execute format('drop view %I.%I', st.legacy_schema, t || '__adopt_compat');
        end if;
        -- 6. the legacy sequence past every id handed out since cutover
        select * into k from adopt.core_key(t);
        execute format('select greatest((select max(l.id) from %I.%I l), (select max(c.%I) from %s c))',
                       st.legacy_schema, t, k.core_column, k.core_table) into v_max;
        v_lseq := pg_get_serial_sequence(format('%I.%I', st.legacy_schema, t), 'id');
        if v_max is not null and v_lseq is not null then
            perform setval(v_lseq::regclass, v_max);
        end if;
    end loop;
    for d in select * from adopt.dependent x where x.kind = 'foreign key' loop
        execute format('alter table %s add constraint %I %s not valid', d.extra, d.name, d.definition);
    end loop;
    delete from adopt.compat_log;
    update adopt.cutover_state set phase = 'rolled_back', rolled_back_at = now();
    return next format('legacy tables back in %s; compatibility objects dropped', st.legacy_schema);
end
$$;
comment on function adopt.rollback_switch() is
    'The rollback transaction (under the lock ramp): ACCESS EXCLUSIVE on the compatibility objects '
    'alone first (the views by renaming them: never a recursive lock on core or adopt tables), '
    'then carries the rows written since the last adopt.rollback_carry back, moves the legacy '
    'tables back under their names, re-binds views, restores the foreign keys (NOT VALID: '
    'validate them afterwards), drops the compatibility objects and sets the legacy sequences '
    'past every id.';

create function adopt.unaccounted()
returns table (legacy_table text, n bigint, example_ids bigint[])
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    t text;
begin
    for t in select s.legacy_table from adopt.table_state s order by s.key_order loop
        if to_regclass(format('lokdarpan_legacy.%I', t)) is null then
            continue;
        end if;
        return query execute format(
            'select %L::text, count(*), (array_agg(l.id::bigint order by l.id))[1:10] from lokdarpan_legacy.%I l'
            ' where not exists (select 1 from adopt.mapping m where m.legacy_table = %L and m.legacy_id = l.id)'
            '   and not exists (select 1 from adopt.quarantine q where q.legacy_table = %L and q.legacy_id = l.id)'
            '   and not exists (select 1 from adopt.compat_log g where g.legacy_table = %L and g.legacy_id = l.id)'
            ' having count(*) > 0', t, t, t, t, t);
    end loop;
end
$$;
comment on function adopt.unaccounted() is
    'Legacy rows in lokdarpan_legacy that are neither adopted, quarantined nor deleted or changed '
    'through a compatibility object since cutover: finish --drop-legacy refuses while any exists.';

create function adopt.finish(p_drop_legacy boolean)
returns setof text
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    st adopt.cutover_state;
    t  text;
    d  record;
    u  record;
begin
    select * into st from adopt.cutover_state c;
    if not found or st.phase not in ('cutover', 'finished') then
        raise exception 'adopt: finish needs a cutover (phase %)', coalesce(st.phase, 'none')
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    if p_drop_legacy then
        for u in select * from adopt.unaccounted() loop
            raise exception 'adopt: % legacy row(s) of % are unaccounted for (ids %): lokdarpan_legacy is kept',
                u.n, u.legacy_table, u.example_ids using errcode = 'object_not_in_prerequisite_state';
        end loop;
    end if;
    for t in select s.legacy_table from adopt.table_state s order by s.key_order loop
        if to_regclass(format('lokdarpan_legacy.%I', t)) is not null then
            perform adopt.remove_apply('lokdarpan_legacy', t);
            if adopt.remove_capture('lokdarpan_legacy', t) then
                return next format('capture ended on lokdarpan_legacy.%s', t);
            end if;
        end if;
    end loop;
    if p_drop_legacy and to_regnamespace('lokdarpan_legacy') is not null then
        for d in select c.oid::regclass::text as name from pg_catalog.pg_class c
                  where c.relnamespace = 'lokdarpan_legacy'::regnamespace and c.relkind in ('m', 'v') loop
            execute format('drop materialized view if exists %s', d.name);
        end loop;
        for t in select s.legacy_table from adopt.table_state s order by s.key_order desc loop
            execute format('drop table if exists lokdarpan_legacy.%I', t);
        end loop;
        drop schema lokdarpan_legacy;
        update adopt.cutover_state set legacy_dropped = true;
        return next 'schema lokdarpan_legacy dropped';
    end if;
    delete from adopt.compat_log;
    update adopt.cutover_state set phase = 'finished', finished_at = coalesce(finished_at, now());
end
$$;
comment on function adopt.finish(boolean) is
    'Ends the adoption after cutover: capture triggers off the legacy tables, rollback no longer '
    'possible; with p_drop_legacy the schema lokdarpan_legacy is dropped (tables with RESTRICT), '
    'refused while adopt.unaccounted() finds a row. The compatibility objects stay.';

commit;
