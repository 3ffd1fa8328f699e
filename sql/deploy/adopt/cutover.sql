-- Deploy lokdarpan:adopt/cutover to pg
-- requires: adopt/cutover@v1.1.0
-- requires: adopt/mapping_extra
-- Reworked after @v1.1.0 (the first version is cutover@v1.1.0.sql); it replaces one function and adds two.
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
-- Locks: none on data (functions only); the revert drops the lookup indexes (ACCESS EXCLUSIVE
-- on their tables for a moment, under the engine's lock ramp).

begin;

create function adopt.compat_columns(p_table text, p_legacy regclass, p_timezone text)
returns table (attnum smallint, attname name, plain text, mapped text, quarantined text)
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
        -- columns that need it (emotion, party: core-native rows show core's label)
        v_expr := coalesce(replace(v_expr, 'm.legacy_id is null',
                                   format('not exists (select 1 from adopt.mapping m0 where m0.legacy_table = %L'
                                          ' and m0.legacy_id = c.%I)', p_table, k.core_column)), 'null');
        attnum := a.attnum;
        attname := a.attname;
        -- the legacy type: a changed result type would break the application's cached plans
        plain := format('(%s)::%s', v_expr, a.typ);
        -- a value in legacy_extra is the legacy value itself (raw label, a column core lacks)
        mapped := case when a.attname = 'id' then plain
                       else format('(case when m.legacy_extra ? %L then (m.legacy_extra ->> %L)::%s else %s end)',
                                   a.attname, a.attname, a.typ, plain) end;
        quarantined := case when a.attname = 'id' then format('q.legacy_id::%s', a.typ)
                            else format('(q.row ->> %L)::%s', a.attname, a.typ) end;
        return next;
    end loop;
end
$$;
comment on function adopt.compat_columns(text, regclass, text) is
    'The columns of the compatibility view of legacy table p_table, in the order and types of '
    'p_legacy: plain = the expression over core alias c alone (rows without legacy values), '
    'mapped = over c and its mapping row m with legacy values, quarantined = over adopt.quarantine q.';

create or replace function adopt.compat_view_sql(p_table text, p_legacy regclass, p_timezone text, p_ids text default null)
returns text
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    k       record;
    v_plain text;
    v_map   text;
    v_q     text;
    v_extra text;
begin
    select * into k from adopt.core_key(p_table);
    select string_agg(format('%s as %I', x.plain, x.attname), ', ' order by x.attnum),
           string_agg(format('%s as %I', x.mapped, x.attname), ', ' order by x.attnum),
           string_agg(format('%s as %I', x.quarantined, x.attname), ', ' order by x.attnum)
      into v_plain, v_map, v_q
      from adopt.compat_columns(p_table, p_legacy, p_timezone) x;
    v_extra := format('m.legacy_table = %L and m.legacy_id = c.%I and m.legacy_extra <> ''{}''',
                      p_table, k.core_column);
    -- three arms: core rows without legacy values (columns of c alone, so a filter or an order on
    -- one of them can use adopt.compat_lookup_indexes()), core rows with them (the partial index
    -- ix_mapping__legacy_table__legacy_id__extra), the quarantined rows
    return format('select %1$s from %2$s c where not exists (select 1 from adopt.mapping m where %3$s)%4$s'
                  ' union all select %5$s from %2$s c join adopt.mapping m on %3$s%4$s'
                  ' union all select %6$s from adopt.quarantine q where q.legacy_table = %7$L%8$s',
                  v_plain, k.core_table, v_extra,
                  case when p_ids is not null then format(' and c.%I in (%s)', k.core_column, p_ids) else '' end,
                  v_map, v_q, p_table,
                  case when p_ids is not null then format(' and q.legacy_id in (%s)', p_ids) else '' end);
end
$$;
comment on function adopt.compat_view_sql(text, regclass, text, text) is
    'The query of the compatibility view of legacy table p_table: its columns in the order and '
    'types of p_legacy (adopt.compat_columns), core rows without legacy values, core rows with '
    'them (naive timestamps back in p_timezone; the legacy values core lacks from '
    'adopt.mapping.legacy_extra), and the quarantined rows from adopt.quarantine. p_ids (a '
    'subquery of ids): only those rows, read through core''s and the quarantine''s keys.';

create function adopt.compat_lookup_indexes()
returns table (core_table regclass, index_name name, key_sql text)
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    v_schema text;
    v_tz     text;
    v_legacy regclass;
    k        record;
    l        record;
begin
    select min(s.legacy_schema), min(s.legacy_timezone) into v_schema, v_tz from adopt.table_state s;
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
        core_table := k.core_table::regclass;
        index_name := format('ix_%s__compat_%s', (select c.relname from pg_catalog.pg_class c where c.oid = core_table),
                             array_to_string(l.cols, '_'));
        -- the view's plain column expressions without the alias: the planner matches them
        select string_agg(format('(%s)', regexp_replace(x.plain, '\mc\.', '', 'g')), ', '
                          order by array_position(l.cols, x.attname::text))
          into key_sql
          from adopt.compat_columns(l.t, v_legacy, v_tz) x
         where x.attname::text = any (l.cols);
        continue when key_sql is null;
        return next;
    end loop;
end
$$;
comment on function adopt.compat_lookup_indexes() is
    'The expression indexes on core tables that match the compatibility views'' columns for the '
    'application''s lookups (id; post.epaper_id; author.name; post.city with created_at): name and '
    'key. adopt cutover builds them concurrently before its switch; empty before adopt start.';

commit;
