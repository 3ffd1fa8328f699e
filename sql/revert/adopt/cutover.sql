-- Revert lokdarpan:adopt/cutover from pg
-- The lookup indexes adopt cutover built (ACCESS EXCLUSIVE on their tables for a moment; a
-- partitioned index takes its partitions' indexes with it, then leftovers of an interrupted
-- build go), the view query of adopt/cutover back, the new functions dropped. Views a cutover
-- made meanwhile keep their query (they do not call these functions).

begin;

do $$
declare
    r record;
begin
    for r in select c.oid::regclass as idx
               from pg_catalog.pg_class c
               join pg_catalog.pg_namespace n on n.oid = c.relnamespace
              where n.nspname in ('core', 'adopt') and c.relkind in ('i', 'I') and c.relname ~ '__compat_'
                and not exists (select 1 from pg_catalog.pg_inherits i where i.inhrelid = c.oid)
              order by c.relkind desc, c.relname loop
        execute format('drop index %s', r.idx);
    end loop;
end
$$;

create or replace function adopt.compat_view_sql(p_table text, p_legacy regclass, p_timezone text, p_ids text default null)
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

create or replace function adopt.tg__compat()
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

drop function adopt.compat_lookup_indexes();
drop function adopt.compat_key_sets(text);
drop function adopt.extra_keys(jsonb);
drop function adopt.compat_columns(text, regclass, text);

commit;
