-- Deploy lokdarpan:adopt/cutover to pg
-- requires: adopt/cutover@v1.1.0
-- requires: adopt/mapping_extra
-- Reworked after @v1.1.0 (the first version is cutover@v1.1.0.sql); it replaces two functions and adds four.
-- The compatibility views (adopt.compat_view_sql) joined every core row to its mapping row with
-- legacy values, so each column was a CASE over that join: a filter or an order on a column
-- (`WHERE post.id = $1`, `post.epaper_id = $1`, `author.name = $1`, `post.city = $1 ORDER BY
-- post.created_at DESC`) scanned the whole core table. From this change the views read the core
-- rows without legacy values in an arm of their own, whose columns are plain expressions of one
-- core column each, and adopt.compat_lookup_indexes() names expression indexes matching those
-- columns; adopt cutover builds them concurrently (partition by partition on core.post) before
-- its switch, so those lookups become index scans. The rows with legacy values (few: raw ward
-- labels, remapped e-papers) and the quarantined rows are read in the other two arms, as before.
-- Views made by a cutover before this change keep their old query until rollback and cutover.
-- adopt.tg__compat: a new row whose core write keeps failing beside concurrent writers (a
-- deadlock among multi-row writers repeats: the transaction still holds what its earlier rows
-- took) is quarantined as transient instead of failing the application's INSERT.
-- Locks: none on data (functions only); the revert drops the lookup indexes (ACCESS EXCLUSIVE
-- on their tables for a moment, under the engine's lock ramp).

begin;

create function adopt.compat_columns(p_table text, p_legacy regclass, p_timezone text)
returns table (attnum smallint, attname name, plain text, extra text, mapped text, quarantined text)
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    v_cols  jsonb;
    v_expr  text;
    k       record;
    a       record;
begin
    -- legacy column -> core expression (alias c; m = the mapping row with legacy values);
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
    for a in select at.attnum, at.attname, format_type(at.atttypid, at.atttypmod) as typ, at.atttypid
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
        -- whether a row is adopted at all is asked through the mapping's key, only by the
        -- columns that need it (emotion, party: core-native rows show core's label), as a scalar
        -- subquery: one probe per row returned, never a hash of the whole mapping (an EXISTS
        -- becomes one in a generic plan)
        v_expr := coalesce(replace(v_expr, 'm.legacy_id is null',
                                   format('(select m0.legacy_id from adopt.mapping m0 where m0.legacy_table = %L'
                                          ' and m0.legacy_id = c.%I) is null', p_table, k.core_column)), 'null');
        attnum := a.attnum;
        attname := a.attname;
        -- the legacy type: a changed result type would break the application's cached plans
        plain := format('(%s)::%s', v_expr, a.typ);
        -- a value in legacy_extra is the legacy value itself (raw label, a column core lacks)
        extra := case when a.attname = 'id' then null
                      else format('(m.legacy_extra ->> %L)::%s', a.attname, a.typ) end;
        mapped := case when a.attname = 'id' then plain
                       else format('(case when m.legacy_extra ? %L then %s else %s end)', a.attname, extra, plain) end;
        quarantined := case when a.attname = 'id' then format('q.legacy_id::%s', a.typ)
                            else format('(q.row ->> %L)::%s', a.attname, a.typ) end;
        return next;
    end loop;
end
$$;
comment on function adopt.compat_columns(text, regclass, text) is
    'The columns of the compatibility view of legacy table p_table, in the order and types of '
    'p_legacy: plain = the expression over core alias c alone (rows without legacy values), '
    'extra = the legacy value held in mapping row m (NULL for id), mapped = over c and m whatever '
    'm holds, quarantined = over adopt.quarantine q.';

create function adopt.extra_keys(p_extra jsonb)
returns text[]
language plpgsql
immutable
set search_path = pg_catalog
as $$
begin
    return array(select k from jsonb_object_keys(p_extra) k order by k);
end
$$;
comment on function adopt.extra_keys(jsonb) is
    'The legacy columns a mapping row holds values of (the keys of legacy_extra), sorted: the '
    'compatibility views pick a row''s arm by it; indexed with ANALYZE statistics (ix_mapping__compat_keys).';

create function adopt.compat_key_sets(p_table text)
returns setof text[]
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    v_prev text[] := '{}';
    v_next text[];
begin
    -- the distinct sets of legacy columns mapping rows hold values of, in sort order, at most 8:
    -- one probe of ix_mapping__compat_keys per set (a skip scan), not a pass over the mapping;
    -- this runs inside the cutover and rollback switches, under their locks
    for i in 1..8 loop
        select adopt.extra_keys(m.legacy_extra) into v_next
          from adopt.mapping m
         where m.legacy_table = p_table and adopt.extra_keys(m.legacy_extra) > v_prev
         order by adopt.extra_keys(m.legacy_extra)
         limit 1;
        exit when v_next is null;
        return next v_next;
        v_prev := v_next;
    end loop;
end
$$;
comment on function adopt.compat_key_sets(text) is
    'The distinct sets of legacy columns whose values adopt.mapping holds for rows of legacy table '
    'p_table (a raw ward label: {city}), in sort order, at most 8 (one index probe each): each gets '
    'an arm of its own in the compatibility view (adopt.compat_view_sql); rows with any other set '
    'are read in the view''s catch-all arm.';

create or replace function adopt.compat_view_sql(p_table text, p_legacy regclass, p_timezone text, p_ids text default null)
returns text
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    k       record;
    v_keys  text[];
    v_prev  text := '{}';
    v_other text[] := '{}';
    v_arms  text[] := '{}';
    v_cols  text;
    v_on    text;
    v_cids  text;
    v_q     text;
begin
    select * into k from adopt.core_key(p_table);
    v_cids := case when p_ids is not null then format(' and c.%I in (%s)', k.core_column, p_ids) else '' end;
    v_on := format('m.legacy_table = %L and m.legacy_id = c.%I', p_table, k.core_column);
    -- core rows without legacy values: every column a plain expression of one core column, so a
    -- filter or an order on it can use adopt.compat_lookup_indexes()
    select string_agg(format('%s as %I', x.plain, x.attname), ', ' order by x.attnum) into v_cols
      from adopt.compat_columns(p_table, p_legacy, p_timezone) x;
    v_arms := v_arms || format('select %s from %s c where not exists (select 1 from adopt.mapping m where %s'
                               ' and m.legacy_extra <> ''{}'')%s', v_cols, k.core_table, v_on, v_cids);
    -- one arm per set of legacy columns the mapping holds (commonest sets): those columns from
    -- the mapping row, the others plain; a filter on either side can use an index
    -- (compat_key_sets gives the sets in sort order, '{}' lowest: the ranges between them are
    -- the other sets, so the catch-all arm below reads only its own rows from ix_mapping__compat_keys)
    for v_keys in select * from adopt.compat_key_sets(p_table) loop
        select string_agg(format('%s as %I', case when x.attname::text = any (v_keys) then x.extra else x.plain end,
                                 x.attname), ', ' order by x.attnum) into v_cols
          from adopt.compat_columns(p_table, p_legacy, p_timezone) x;
        v_arms := v_arms || format('select %s from %s c join adopt.mapping m on %s'
                                   ' and adopt.extra_keys(m.legacy_extra) = %L::text[]%s',
                                   v_cols, k.core_table, v_on, v_keys, v_cids);
        v_other := v_other || format('(adopt.extra_keys(m.legacy_extra) > %L::text[]'
                                     ' and adopt.extra_keys(m.legacy_extra) < %L::text[])', v_prev, v_keys);
        v_prev := v_keys::text;
    end loop;
    v_other := v_other || format('adopt.extra_keys(m.legacy_extra) > %L::text[]', v_prev);
    -- any other set (rows written since the view was made): each column chosen per row
    select string_agg(format('%s as %I', x.mapped, x.attname), ', ' order by x.attnum),
           string_agg(format('%s as %I', x.quarantined, x.attname), ', ' order by x.attnum)
      into v_cols, v_q
      from adopt.compat_columns(p_table, p_legacy, p_timezone) x;
    v_arms := v_arms || format('select %s from %s c join adopt.mapping m on %s and (%s)%s',
                               v_cols, k.core_table, v_on, array_to_string(v_other, ' or '), v_cids);
    v_arms := v_arms || format('select %s from adopt.quarantine q where q.legacy_table = %L%s', v_q, p_table,
                               case when p_ids is not null then format(' and q.legacy_id in (%s)', p_ids) else '' end);
    return array_to_string(v_arms, ' union all ');
end
$$;
comment on function adopt.compat_view_sql(text, regclass, text, text) is
    'The query of the compatibility view of legacy table p_table: its columns in the order and '
    'types of p_legacy (adopt.compat_columns), in arms: core rows without legacy values; core rows '
    'whose mapping holds the values of one of the commonest column sets (adopt.compat_key_sets), '
    'one arm per set; core rows with any other set; the quarantined rows (adopt.quarantine). Naive '
    'timestamps are read back in p_timezone. p_ids (a subquery of ids): only those rows, read '
    'through core''s and the quarantine''s keys.';

create function adopt.compat_lookup_indexes()
returns table (on_table regclass, index_name name, key_sql text, predicate text)
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    v_schema text;
    v_tz     text;
    v_legacy regclass;
    v_keys   text[];
    v_cols   text[];
    k        record;
    l        record;
begin
    select min(s.legacy_schema), min(s.legacy_timezone) into v_schema, v_tz from adopt.table_state s;
    -- which arm of its view a mapped row is in (and, once analyzed, how many rows each arm has)
    if v_schema is not null then
        on_table := 'adopt.mapping'::regclass;
        index_name := 'ix_mapping__compat_keys';
        key_sql := 'legacy_table, (adopt.extra_keys(legacy_extra))';
        predicate := null;
        return next;
    end if;
    -- the lookups the application sends (LEGACY_SCHEMA.md): by id everywhere, the e-paper's
    -- posts, an author by name, a ward's newest posts
    for l in select x.t, x.cols
               from (values ('user', array['id']), ('author', array['id']), ('author', array['name']),
                            ('post', array['id']), ('post', array['epaper_id']),
                            ('post', array['city', 'created_at']), ('alert', array['id'])) as x(t, cols)
              where exists (select 1 from adopt.table_state s where s.legacy_table = x.t) loop
        -- the legacy table where it is now: under its name before the cutover, moved after it
        v_legacy := coalesce((select c.oid from pg_catalog.pg_class c
                               where c.oid = to_regclass(format('%I.%I', v_schema, l.t)) and c.relkind = 'r'),
                             to_regclass(format('lokdarpan_legacy.%I', l.t)));
        continue when v_legacy is null;
        select * into k from adopt.core_key(l.t);
        -- on the core table: the view's plain column expressions without the alias (the planner
        -- matches an index on the same expression only)
        on_table := k.core_table::regclass;
        index_name := format('ix_%s__compat_%s', (select c.relname from pg_catalog.pg_class c where c.oid = on_table),
                             array_to_string(l.cols, '_'));
        predicate := null;
        select string_agg(format('(%s)', regexp_replace(x.plain, '\mc\.', '', 'g')), ', '
                          order by array_position(l.cols, x.attname::text))
          into key_sql
          from adopt.compat_columns(l.t, v_legacy, v_tz) x
         where x.attname::text = any (l.cols);
        continue when key_sql is null;
        return next;
        -- on the mapping, for each arm of a column set holding the lookup's first column: its
        -- legacy value (and the following lookup columns the set holds), under the arm's
        -- condition; listed once ix_mapping__compat_keys is built (the sets are read from it)
        continue when not exists (select 1 from pg_catalog.pg_index i
                                   where i.indexrelid = to_regclass('adopt.ix_mapping__compat_keys') and i.indisvalid);
        for v_keys in select * from adopt.compat_key_sets(l.t) loop
            continue when not (l.cols[1] = any (v_keys));
            v_cols := array(select u.c from unnest(l.cols) with ordinality as u(c, i)
                             where u.i < coalesce((select min(w.j) from unnest(l.cols) with ordinality as w(x, j)
                                                    where not (w.x = any (v_keys))), cardinality(l.cols) + 1)
                             order by u.i);
            on_table := 'adopt.mapping'::regclass;
            index_name := left(format('ix_mapping__compat_%s_%s__%s', l.t, array_to_string(v_cols, '_'),
                                      array_to_string(v_keys, '_')), 63);
            predicate := format('legacy_table = %L and adopt.extra_keys(legacy_extra) = %L::text[]', l.t, v_keys);
            select string_agg(format('(%s)', regexp_replace(x.extra, '\mm\.', '', 'g')), ', '
                              order by array_position(v_cols, x.attname::text))
              into key_sql
              from adopt.compat_columns(l.t, v_legacy, v_tz) x
             where x.attname::text = any (v_cols);
            return next;
        end loop;
    end loop;
end
$$;
comment on function adopt.compat_lookup_indexes() is
    'The expression indexes that match the compatibility views'' columns for the application''s '
    'lookups (id; post.epaper_id; author.name; post.city with created_at): on the core tables for '
    'the rows without legacy values, on adopt.mapping (partial: predicate) for the arms of rows '
    'whose mapping holds the looked-up legacy value (listed once ix_mapping__compat_keys, the first, '
    'is built). adopt cutover builds them concurrently before '
    'its switch; empty before adopt start.';

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
            if tg_op <> 'INSERT' then
                raise exception 'adopt: % id % could be written neither to core nor to the quarantine', v_obj, v_ids
                    using errcode = 'internal_error';
            end if;
            -- a new row that keeps losing to other writers (a deadlock among multi-row writers
            -- repeats: this transaction still holds what its earlier rows took): quarantined as
            -- transient, readable under its id at once, moved to core by adopt requeue; the
            -- application's write does not fail
            insert into adopt.quarantine (legacy_table, legacy_id, reason, row)
            values (tg_table_name, new.id, 'transient: not written to core beside concurrent writers (adopt requeue retries it)',
                    to_jsonb(new))
            on conflict (legacy_table, legacy_id) do nothing;
            exit;
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
    'core constraint refuses is quarantined too, and so is a new row that loses to concurrent '
    'writers five times: reason transient, adopt requeue retries it) and logs its id for rollback. Returns the row, '
    'so RETURNING and the rowcount are those of the legacy table.';

commit;
