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

drop function adopt.compat_lookup_indexes();
drop function adopt.compat_key_sets(text);
drop function adopt.extra_keys(jsonb);
drop function adopt.compat_columns(text, regclass, text);

commit;
