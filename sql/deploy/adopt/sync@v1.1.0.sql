-- Deploy lokdarpan:adopt/sync to pg
-- requires: adopt/log
-- requires: adopt/ward_alias
-- requires: core/app_user
-- requires: core/author
-- requires: core/epaper
-- requires: core/post
-- requires: core/alert
-- requires: core/vocabulary
-- The set-based copy from the legacy tables into core. adopt.source_sql builds, for one legacy
-- table, the query that reads legacy rows (an id range or an id list) and returns them shaped as
-- core rows with the reason the new rules refuse a row (NULL: adopt it), the legacy values core
-- has no column for, and a digest of the mapped columns. adopt.sync_rows writes one batch of that
-- in one transaction: the ids' previous state (core row, mapping, quarantine) is replaced, so
-- a batch applied twice leaves the same rows (the backfill resumes after a kill and the capture
-- backlog may replay an id the backfill copied). adopt.differences compares the legacy tables
-- with what was adopted or quarantined; the same source query is the reference.
--
-- Decisions (docs/adopt.md): ids are kept; posts and alerts without a ward (Hyderabad, NULL) or
-- with an unknown ward are quarantined (core.post.city and core.alert.ward_name are NOT NULL
-- wards); duplicate posts by fingerprint are both adopted (the lower id holds the
-- core.post_fingerprint row, the other records duplicate_of); an e-paper whose raw text is
-- already in core maps to that e-paper (core.epaper.raw_text_sha256 is unique); legacy values
-- core has no column for go to adopt.mapping.legacy_extra.

begin;

create function adopt.legacy_column(p_schema text, p_table text, p_column text, p_timezone text)
returns text
language sql
stable
set search_path = pg_catalog
as $$
    select coalesce(
        (select case when a.atttypid = 'timestamp'::regtype
                     then format('(b.%I at time zone %L)', a.attname, p_timezone)
                     when a.atttypid = 'timestamptz'::regtype then format('b.%I', a.attname)
                     when a.atttypid = 'date'::regtype then format('b.%I', a.attname)
                     else format('b.%I::text', a.attname) end
           from pg_catalog.pg_attribute a
          where a.attrelid = format('%I.%I', p_schema, p_table)::regclass
            and a.attname = p_column and a.attnum > 0 and not a.attisdropped),
        'null::text')
$$;
comment on function adopt.legacy_column(text, text, text, text) is
    'SQL expression (over alias b) reading a legacy column as core holds it: naive timestamps read '
    'in p_timezone, timestamptz and dates as they are, anything else as text; null::text when the '
    'column is missing (a variant database).';

create function adopt.text_to_jsonb_array(p_value text)
returns jsonb
language plpgsql
immutable
parallel safe
set search_path = pg_catalog
as $$
declare
    v jsonb;
begin
    if p_value is null or btrim(p_value) = '' then
        return '[]';
    end if;
    begin
        v := p_value::jsonb;
    exception when others then
        v := null;
    end;
    if jsonb_typeof(v) = 'array' then
        return v;
    end if;
    return coalesce((select jsonb_agg(btrim(l) order by n)
                       from unnest(string_to_array(p_value, E'\n')) with ordinality as x(l, n)
                      where btrim(l) <> ''), '[]');
end
$$;
comment on function adopt.text_to_jsonb_array(text) is
    'A legacy list column as a jsonb array: the value itself when it is a JSON array, else its '
    'non-blank lines; [] for NULL or blank.';

create function adopt.source_sql(p_table text, p_schema text, p_timezone text, p_filter text,
                                 p_preview boolean default false, p_base text default null,
                                 p_verify boolean default false)
returns text
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    v_base text := coalesce(p_base, format('select l.* from %I.%I l where %s', p_schema, p_table, p_filter));
    c      text;
    v_rest text;
begin
    if p_table = 'user' then
        return format($q$
with b as materialized (%1$s),
w as (select b.id,
             row_number() over (partition by lower(btrim(b.username)) order by b.id) as rn_name,
             row_number() over (partition by lower(b.email) order by b.id) as rn_email
        from b),
s as (
select b.id::bigint as legacy_id,
       btrim(b.username)::text as username, b.email::text as email, b.password_hash::text as password_hash,
       coalesce(b.failed_login_attempts, 0)::integer as failed_login_count, coalesce(b.is_active, true) as is_active,
       coalesce(%2$s, now()) as created_at, %3$s as last_login_at,
       case when b.username is null or btrim(b.username) = '' then 'bad_username'
            when b.email is null or b.email !~ '^[^@\s]+@[^@\s]+$' then 'bad_email'
            when b.password_hash is null or char_length(b.password_hash) < 20 then 'bad_password_hash'
            when w.rn_name > 1 or exists (select 1 from core.app_user u where lower(u.username) = lower(btrim(b.username))
                                                                  and u.user_id <> b.id) then 'duplicate_username'
            when w.rn_email > 1 or exists (select 1 from core.app_user u where lower(u.email) = lower(b.email)
                                                                  and u.user_id <> b.id) then 'duplicate_email'
       end as reason,
       to_jsonb(b) as legacy,
       (to_jsonb(b) - array['id', 'username', 'email', 'password_hash', 'failed_login_attempts', 'is_active',
                            'created_at', 'last_login'])
         || case when b.username is distinct from btrim(b.username) then jsonb_build_object('username', b.username)
                 else '{}' end
         || case when b.created_at is null then jsonb_build_object('created_at', null) else '{}' end as extra,
       null::bigint as duplicate_of
  from b join w on w.id = b.id)
select s.*, s.legacy_id as core_id,
       md5(row(s.legacy_id, s.username, s.email, s.password_hash, s.failed_login_count, s.is_active,
               s.created_at, s.last_login_at)::text || s.extra::text) as digest
  from s$q$, v_base, adopt.legacy_column(p_schema, p_table, 'created_at', p_timezone),
            adopt.legacy_column(p_schema, p_table, 'last_login', p_timezone));
    elsif p_table = 'author' then
        return format($q$
with b as materialized (%1$s),
w as (select b.id, row_number() over (partition by btrim(b.name) order by b.id) as rn from b),
s as (
select b.id::bigint as legacy_id, btrim(b.name)::text as name,
       case when b.name is null or btrim(b.name) = '' or char_length(btrim(b.name)) > 200 then 'bad_name'
            when w.rn > 1 or exists (select 1 from core.author a where a.name = btrim(b.name)
                                                       and a.author_id <> b.id) then 'duplicate_name'
       end as reason,
       to_jsonb(b) as legacy,
       (to_jsonb(b) - array['id', 'name'])
         || case when b.name is distinct from btrim(b.name) then jsonb_build_object('name', b.name)
                 else '{}' end as extra,
       null::bigint as duplicate_of
  from b join w on w.id = b.id)
select s.*, s.legacy_id as core_id, md5(row(s.legacy_id, s.name)::text || s.extra::text) as digest
  from s$q$, v_base);
    elsif p_table = 'epaper' then
        return format($q$
with b as materialized (%1$s),
w as (select b.id, h.sha, first_value(b.id) over (partition by h.sha order by b.id) as first_id
        from b cross join lateral (select core.text_sha256(b.raw_text) as sha) h),
s0 as (
select b.id::bigint as legacy_id, b.publication_name::text as publication_name, b.publication_date,
       b.raw_text::text as raw_text, coalesce(%2$s, (b.publication_date::timestamp at time zone %3$L)) as created_at,
       case when b.publication_name is null or btrim(b.publication_name) = '' or b.publication_date is null
                 or b.raw_text is null then 'bad_publication' end as reason,
       to_jsonb(b) as legacy,
       coalesce((select e.epaper_id from core.epaper e where e.raw_text_sha256 = w.sha and e.epaper_id <> b.id),
                nullif(w.first_id, b.id))::bigint as duplicate_of,
       b.created_at is null as no_created_at
  from b join w on w.id = b.id),
s as (
select s0.legacy_id, s0.publication_name, s0.publication_date, s0.raw_text, s0.created_at, s0.reason, s0.legacy,
       case when s0.duplicate_of is not null then s0.legacy - array['id', 'raw_text']
            else (s0.legacy - array['id', 'publication_name', 'publication_date', 'raw_text', 'created_at'])
                 || case when s0.no_created_at then jsonb_build_object('created_at', null) else '{}' end
       end as extra,
       s0.duplicate_of
  from s0)
select s.*, coalesce(s.duplicate_of, s.legacy_id) as core_id,
       md5(row(coalesce(s.duplicate_of, s.legacy_id), s.raw_text,
               case when s.duplicate_of is null then s.publication_name end,
               case when s.duplicate_of is null then s.publication_date end,
               case when s.duplicate_of is null then s.created_at end)::text || s.extra::text) as digest
  from s$q$, v_base, adopt.legacy_column(p_schema, p_table, 'created_at', p_timezone), p_timezone);
    elsif p_table = 'post' then
        c := adopt.legacy_column(p_schema, p_table, 'party', p_timezone);
        -- the legacy columns core has no column for, read one by one: to_jsonb(b) minus the mapped
        -- columns gives the same jsonb, but serialises every post's text to throw it away (a third
        -- of the source query's time per row); the whole row as jsonb is built only for the rows
        -- the rules quarantine (the quarantine keeps it), never for the adopted ones
        -- (40 columns a call: a function takes at most 100 arguments)
        select coalesce(string_agg(g.call, ' || ' order by g.n), '''{}''::jsonb')
          into v_rest
          from (select x.n, 'jsonb_build_object(' || string_agg(format('%L, b.%I', x.attname, x.attname), ', '
                                                                 order by x.attnum) || ')' as call
                  from (select a.attname, a.attnum, (row_number() over (order by a.attnum) - 1) / 40 as n
                          from pg_catalog.pg_attribute a
                         where a.attrelid = format('%I.%I', p_schema, p_table)::regclass and a.attnum > 0
                           and not a.attisdropped
                           and a.attname <> all (array['id', 'text', 'author_id', 'created_at', 'emotion', 'party',
                                                       'search_vector', 'city', 'epaper_id'])) x
                 group by x.n) g;
        return format($q$
with b as %9$s (%1$s),
wards as materialized (select x.city, adopt.ward_for(x.city) as ward_name,
                              coalesce(adopt.ward_key(x.city) in ('hyderabad', 'ghmc', 'hyderabad city'), true) as no_ward
                         from (select distinct b.city from b where b.city is not null) x),
-- the labels' normalisations once per distinct label, not once per row (each is a function call
-- and an index probe: half of a batch's time when done per row)
emotions as materialized (select x.v, coalesce(core.normalize_emotion(x.v), 'unknown') as emotion
                            from (select distinct b.emotion::text as v from b where b.emotion is not null) x),
parties as materialized (select x.v, core.normalize_party(x.v) as party
                           from (select distinct %3$s as v from b where %3$s is not null) x),
s00 as (
select b.id::bigint as legacy_id, %2$s as created_at, wd.ward_name as city,
       b.author_id::bigint as author_id, em.core_id as epaper_id, b.text::text as text,
       coalesce(en.emotion, 'unknown') as emotion, b.emotion::text as emotion_raw,
       pn.party as party, %3$s as party_raw,
       case when b.text is null or btrim(b.text) = '' or char_length(b.text) > 10000 then 'bad_text'
            when coalesce(wd.no_ward, true) then 'no_ward'
            when wd.ward_name is null then 'unknown_ward'
            when b.author_id is not null and am.core_id is null and not %4$L::boolean then 'author_not_adopted'
            when b.epaper_id is not null and em.core_id is null and not %4$L::boolean then 'epaper_not_adopted'
       end as reason,
       b as lrow, b.city::text as legacy_city, b.epaper_id::bigint as legacy_epaper_id, %6$s as rest,
       %7$s as author_name
  from b
  left join wards wd on wd.city = b.city
  left join emotions en on en.v = b.emotion::text
  left join parties pn on pn.v = %3$s
  left join adopt.mapping am on am.legacy_table = 'author' and am.legacy_id = b.author_id
  %8$s
  left join adopt.mapping em on em.legacy_table = 'epaper' and em.legacy_id = b.epaper_id),
s0 as (
select s00.legacy_id, s00.created_at, s00.city, s00.author_id, s00.epaper_id, s00.text, s00.emotion, s00.emotion_raw,
       s00.party, s00.party_raw, s00.reason, s00.author_name,
       case when s00.reason is not null then to_jsonb(s00.lrow) end as legacy,
       -- = to_jsonb(b) - city (when core holds the legacy label) - the mapped columns - epaper_id
       -- (when core holds the legacy value): the same jsonb, key by key
       s00.rest
         || case when s00.city is distinct from s00.legacy_city then jsonb_build_object('city', (s00.lrow).city)
                 else '{}' end
         || case when s00.epaper_id is distinct from s00.legacy_epaper_id
                 then jsonb_build_object('epaper_id', (s00.lrow).epaper_id) else '{}' end as extra
  from s00),
%5$s
select s.legacy_id, s.created_at, s.city, s.author_id, s.epaper_id, s.text, s.emotion, s.emotion_raw,
       s.party, s.party_raw, s.reason, s.legacy, s.extra, s.fingerprint,
       case when s.reason is null then s.duplicate_of end as duplicate_of, s.legacy_id as core_id,
       md5(row(s.legacy_id, s.created_at, s.city, s.author_id, s.epaper_id, s.text, s.emotion, s.emotion_raw,
               s.party, s.party_raw)::text || s.extra::text) as digest
  from s$q$, v_base, adopt.legacy_column(p_schema, p_table, 'created_at', p_timezone), c, p_preview,
            case when p_verify
                 -- verify compares digests and classifications only: no fingerprint (not in the
                 -- digest), no duplicate lookup (duplicate_of is not compared)
                 then 's as (select s0.*, null::bytea as fingerprint, null::bigint as duplicate_of from s0)'
                 else $f$s1 as materialized (
-- core.post_fingerprint's expression written out: a call of it (and of core.text_sha256 inside)
-- is not inlined (both pin search_path), and the two calls per row were most of a batch's
-- source query (385 of 590 ms per 5,000 posts); the same bytes (tests/adopt/test_start.py)
select s0.*, pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.lower(coalesce(s0.city, '')) || E'\x1f'
                                                     || coalesce(s0.author_name, '') || E'\x1f'
                                                     || coalesce(extract(epoch from s0.created_at)::text, '') || E'\x1f'
                                                     || coalesce(s0.text, ''), 'UTF8')) as fingerprint
  from s0),
s as (
select s1.*,
       coalesce((select f.post_id from core.post_fingerprint f
                  where f.created_at = s1.created_at and f.fingerprint = s1.fingerprint
                    and f.post_id <> s1.legacy_id),
                nullif(first_value(s1.legacy_id) over (partition by s1.fingerprint, s1.reason is null
                                                          order by s1.legacy_id), s1.legacy_id)) as duplicate_of
  from s1)$f$ end,
            v_rest,
            case when p_verify then 'null::text' else 'a.name' end,
            case when p_verify then '' else 'left join core.author a on a.author_id = am.core_id' end,
            -- a batch reads its legacy rows once; verify reads the whole table, so its four reads
            -- (wards, labels, rows) are four scans of the table, not a copy of it spilled to disk
            case when p_verify then 'not materialized' else 'materialized' end);
    elsif p_table = 'alert' then
        return format($q$
with b as materialized (%1$s),
s as (
select b.id::bigint as legacy_id, adopt.ward_for(b.ward) as ward_name, coalesce(b.description, '')::text as description,
       case when lower(btrim(b.severity)) in ('low', 'medium', 'high', 'critical') then lower(btrim(b.severity))
            when lower(btrim(b.severity)) = 'info' then 'low' else 'medium' end as severity,
       adopt.text_to_jsonb_array(b.opportunities) as opportunities, adopt.text_to_jsonb_array(b.threats) as threats,
       adopt.text_to_jsonb_array(b.actionable_alerts) as actionable_alerts,
       adopt.text_to_jsonb_array(b.source_articles) as source_articles,
       %2$s as created_at, %3$s as updated_at,
       case when adopt.ward_key(b.ward) is null or adopt.ward_key(b.ward) in ('hyderabad', 'ghmc', 'hyderabad city')
                 then 'no_ward'
            when adopt.ward_for(b.ward) is null then 'unknown_ward' end as reason,
       to_jsonb(b) as legacy,
       (to_jsonb(b) - array['id', 'created_at', 'updated_at', 'description'])
         || case when b.description is null then jsonb_build_object('description', null) else '{}' end as extra,
       null::bigint as duplicate_of
  from b)
select s.*, s.legacy_id as core_id,
       md5(row(s.legacy_id, s.ward_name, s.description, s.severity, s.opportunities, s.threats,
               s.actionable_alerts, s.source_articles, s.created_at, s.updated_at)::text || s.extra::text) as digest
  from s$q$, v_base, adopt.legacy_column(p_schema, p_table, 'created_at', p_timezone),
            adopt.legacy_column(p_schema, p_table, 'updated_at', p_timezone));
    end if;
    raise exception 'adopt: unknown legacy table %', quote_literal(p_table) using errcode = 'invalid_parameter_value';
end
$$;
comment on function adopt.source_sql(text, text, text, text, boolean, text, boolean) is
    'The query (text) reading legacy table p_table of p_schema (rows matching p_filter over alias l, '
    'or the rows of query p_base when given: the compatibility objects pass the written rows, typed '
    'as p_schema.p_table) '
    'as core rows: legacy_id, the core columns, reason (NULL = adopt, else the quarantine reason), '
    'legacy (the row as jsonb), extra (adopt.mapping.legacy_extra), duplicate_of, core_id and digest '
    '(md5 of the mapped columns). p_preview: classify as if every legacy author and e-paper were '
    'adopted (adopt plan, before anything is copied). p_verify (adopt verify): posts without '
    'fingerprint and duplicate_of (NULL: verify compares neither), all else the same. legacy is NULL '
    'for a post the rules adopt. Reads only the catalog; running the query reads the legacy rows.';

create function adopt.core_digest_sql(p_table text)
returns text
language sql
immutable
set search_path = pg_catalog
as $$
    select case p_table
        when 'user' then 'select m.legacy_id, md5(row(u.user_id, u.username, u.email, u.password_hash, '
            'u.failed_login_count, u.is_active, u.created_at, u.last_login_at)::text || m.legacy_extra::text) as digest '
            'from adopt.mapping m left join core.app_user u on u.user_id = m.core_id where m.legacy_table = ''user'''
        when 'author' then 'select m.legacy_id, md5(row(a.author_id, a.name)::text || m.legacy_extra::text) as digest '
            'from adopt.mapping m left join core.author a on a.author_id = m.core_id where m.legacy_table = ''author'''
        when 'epaper' then 'select m.legacy_id, md5(row(e.epaper_id, e.raw_text, '
            'case when m.duplicate_of is null then e.publication_name end, '
            'case when m.duplicate_of is null then e.publication_date end, '
            'case when m.duplicate_of is null then e.created_at end)::text || m.legacy_extra::text) as digest '
            'from adopt.mapping m left join core.epaper e on e.epaper_id = m.core_id where m.legacy_table = ''epaper'''
        when 'post' then 'select m.legacy_id, p.post_id is not null as has_core, p.city, p.created_at, '
            'md5(row(p.post_id, p.created_at, p.city, p.author_id, p.epaper_id, '
            'p.text, p.emotion, p.emotion_raw, p.party, p.party_raw)::text || m.legacy_extra::text) as digest '
            'from adopt.mapping m left join core.post p on p.post_id = m.core_id where m.legacy_table = ''post'''
        when 'alert' then 'select m.legacy_id, md5(row(a.alert_id, a.ward_name, a.description, a.severity, '
            'a.opportunities, a.threats, a.actionable_alerts, a.source_articles, a.created_at, a.updated_at)::text '
            '|| m.legacy_extra::text) as digest '
            'from adopt.mapping m left join core.alert a on a.alert_id = m.core_id where m.legacy_table = ''alert'''
    end
$$;
comment on function adopt.core_digest_sql(text) is
    'The query (text) giving legacy_id and the digest of the adopted core row for every mapping of '
    'p_table, over the same columns as adopt.source_sql''s digest (NULL digest part when the core row is missing); '
    'for posts also has_core and the core row''s city and created_at (adopt.verify_post''s groups).';

create function adopt.sync_rows(p_table text, p_ids bigint[], p_after bigint, p_limit integer)
returns table (n_rows integer, n_adopted integer, n_quarantined integer, last_id bigint)
language plpgsql
volatile
set search_path = pg_catalog, adopt, core
as $$
declare
    st       adopt.table_state;
    v_filter text;
begin
    select * into st from adopt.table_state t where t.legacy_table = p_table;
    if not found then
        raise exception 'adopt: capture is not installed on legacy table %', quote_literal(p_table)
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    -- one batch writer per table at a time, never beside a writer's synchronous apply (which
    -- holds this lock shared: adopt.sync_base); re-entrant when apply_capture took it already
    perform pg_advisory_xact_lock(hashtext('adopt.apply'), hashtext(p_table));
    if p_ids is not null then
        v_filter := format('l.id = any(%L::bigint[])', p_ids);
    else
        v_filter := format('l.id > %s and l.id <= %s order by l.id limit %s', coalesce(p_after, -9223372036854775808),
                           coalesce(st.backfill_until, 9223372036854775807), coalesce(p_limit, 1000));
    end if;
    return query select * from adopt.sync_source(p_table,
        adopt.source_sql(p_table, st.legacy_schema, st.legacy_timezone, v_filter), p_ids);
end
$$;
comment on function adopt.sync_rows(text, bigint[], bigint, integer) is
    'Copies legacy rows of p_table into core (adopted: core row + mapping) or adopt.quarantine, '
    'replacing whatever those ids held before: the ids p_ids (apply; an id no longer in the legacy '
    'table is removed), or else the next p_limit ids after p_after, up to table_state.backfill_until, '
    'in key order (backfill). '
    'Returns rows read, adopted, quarantined and the last id read. Set-based: a few statements per batch.';

create function adopt.sync_source(p_table text, p_src text, p_ids bigint[])
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

    -- the ids' previous state: core rows the batch does not adopt again (or re-inserts), mappings, quarantine
    if p_table = 'post' then
        delete from core.post_fingerprint f using adopt.mapping m
         where m.legacy_table = 'post' and m.legacy_id = any (v_ids) and f.post_id = m.core_id;
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
    delete from adopt.mapping m
     where m.legacy_table = p_table and m.legacy_id = any (v_ids);
    delete from adopt.quarantine q
     where q.legacy_table = p_table and q.legacy_id = any (v_ids);

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
        insert into core.post (post_id, created_at, city, author_id, epaper_id, text, emotion, emotion_raw,
                               party, party_raw, fingerprint)
        select s.legacy_id, s.created_at, s.city, s.author_id, s.epaper_id, s.text, s.emotion, s.emotion_raw,
               s.party, s.party_raw, s.fingerprint
          from pg_temp.adopt_src s where s.reason is null;
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

    return query
        select count(*)::integer, (count(*) filter (where s.reason is null))::integer,
               (count(*) filter (where s.reason is not null))::integer, max(s.legacy_id)
          from pg_temp.adopt_src s;
    drop table pg_temp.adopt_src;
end
$$;
comment on function adopt.sync_source(text, text, bigint[]) is
    'Writes the rows of source query p_src (adopt.source_sql) of legacy table p_table into core '
    '(adopted: core row + mapping) or adopt.quarantine, first removing whatever those ids and the '
    'ids p_ids held before (an id in p_ids that p_src no longer returns is removed). Returns rows '
    'read, adopted, quarantined and the last id read. Refuses (22023) a p_table it does not know '
    'and a p_src that is not of the shape adopt.source_sql makes.';

create function adopt.backfill_batch(p_table text, p_limit integer)
returns table (n_rows integer, n_adopted integer, n_quarantined integer, last_id bigint)
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    st    adopt.table_state;
    r     record;
    v_ok  boolean := false;
    v_id  bigint;
    v_row jsonb;
begin
    select * into st from adopt.table_state t where t.legacy_table = p_table for update;
    if not found then
        raise exception 'adopt: capture is not installed on legacy table %', quote_literal(p_table)
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    begin
        select * into r from adopt.sync_rows(p_table, null, st.position, p_limit);
        v_ok := true;
    exception when others then
        -- a core constraint refused a row of the batch: the same batch one row at a time, each
        -- refused row quarantined with the error, so the batch never blocks the backfill
        n_rows := 0; n_adopted := 0; n_quarantined := 0; last_id := null;
        for v_id in execute format('select l.id::bigint from %I.%I l where l.id > $1 and l.id <= $2'
                                   ' order by l.id limit $3', st.legacy_schema, st.legacy_table)
                    using coalesce(st.position, -9223372036854775808),
                          coalesce(st.backfill_until, 9223372036854775807), p_limit loop
            begin
                select * into r from adopt.sync_rows(p_table, array[v_id], null, null);
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
    update adopt.table_state t
       set position = coalesce(last_id, t.position),
           phase = case when n_rows < p_limit then 'synced' else 'backfilling' end,
           backfill_started_at = coalesce(t.backfill_started_at, now()),
           backfilled_at = case when n_rows < p_limit then now() end
     where t.legacy_table = p_table;
    return next;
end
$$;
comment on function adopt.backfill_batch(text, integer) is
    'One backfill batch of p_table: the next p_limit legacy ids after table_state.position, copied '
    'by adopt.sync_rows and the position advanced in the same transaction (a killed run resumes '
    'after the last committed batch). A batch a core constraint refuses is redone row by row, '
    'quarantining each refused row as rejected: <error>. The table is synced when a batch comes back short.';

create function adopt.apply_capture(p_limit integer)
returns table (legacy_table text, n_ids integer, n_entries integer)
language plpgsql
volatile
set search_path = pg_catalog, adopt
as $$
declare
    t      record;
    v_ids  bigint[];
    v_caps bigint[];
begin
    for t in select s.legacy_table from adopt.table_state s order by s.key_order loop
        -- a table some writer's transaction is applying to right now waits for the next call
        -- (never a wait here: the application's transaction must not wait behind this one)
        if not pg_try_advisory_xact_lock(hashtext('adopt.apply'), hashtext(t.legacy_table)) then
            continue;
        end if;
        select array_agg(distinct c.legacy_id), array_agg(c.capture_id)
          into v_ids, v_caps
          from (select c0.legacy_id, c0.capture_id from adopt.capture c0
                 where c0.legacy_table = t.legacy_table order by c0.capture_id limit p_limit) c;
        if v_ids is null then
            continue;
        end if;
        perform adopt.sync_rows(t.legacy_table, v_ids, null, null);
        delete from adopt.capture c where c.capture_id = any(v_caps);
        legacy_table := t.legacy_table;
        n_ids := cardinality(v_ids);
        n_entries := cardinality(v_caps);
        return next;
    end loop;
    -- a post copied before its new author or e-paper was applied was quarantined for it: retry
    -- those whose reference is adopted now (the post itself may have no capture entry left)
    if exists (select 1 from adopt.table_state s where s.legacy_table = 'post') then
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
comment on function adopt.apply_capture(integer) is
    'Applies up to p_limit capture entries per legacy table (key order): re-reads the captured ids'' '
    'current legacy rows, replaces their core/mapping/quarantine state and deletes the entries. '
    'An entry committed after the read stays for the next call, as do the entries of a table whose '
    'synchronous apply is in flight (skipped, never waited for); then posts quarantined as '
    'author_not_adopted/epaper_not_adopted whose reference is adopted now are retried. Returns ids '
    'and entries applied per table (entries 0 for those retries).';

create function adopt.problems_sql(p_not_pending text)
returns text
language sql
immutable
set search_path = pg_catalog
as $f$
    -- what adopt.differences and adopt.verify_post report, written once
    select format($q$
select j.legacy_id,
       case when j.adopted and j.quarantined then 'both adopted and quarantined'
            when not j.in_legacy then 'legacy row is gone but it is still ' ||
                 case when j.adopted then 'adopted' else 'quarantined' end
            when not j.adopted and not j.quarantined then 'neither adopted nor quarantined'
            when j.reason is null and j.quarantined then
                 'quarantined (' || j.q_reason || ') but the rules now adopt it: run adopt requeue'
            when j.reason is not null and j.adopted then 'adopted but the rules now quarantine it (' || j.reason || ')'
            when j.adopted and j.core_digest is distinct from j.legacy_digest then 'adopted content differs'
            when j.quarantined and j.q_row is distinct from j.legacy then 'quarantined row differs'
       end as problem
  from j
 where %s
   and (j.adopted = j.quarantined or not j.in_legacy
        or (j.reason is null) <> j.adopted
        or (j.adopted and j.core_digest is distinct from j.legacy_digest)
        or (j.quarantined and j.q_row is distinct from j.legacy))$q$, p_not_pending)
$f$;
comment on function adopt.problems_sql(text) is
    'The query (text) of the differences over a joined set j (legacy_id, in_legacy, reason, legacy_digest, '
    'legacy, adopted, core_digest, quarantined, q_reason, q_row): legacy_id and problem of each id whose '
    'legacy row and adopted state disagree, among the ids p_not_pending (an SQL condition over j) keeps.';

create function adopt.differences(p_table text)
returns table (legacy_id bigint, problem text)
language plpgsql
stable
set search_path = pg_catalog, adopt
as $$
declare
    st adopt.table_state;
begin
    select * into st from adopt.table_state t where t.legacy_table = p_table;
    if not found then
        raise exception 'adopt: capture is not installed on legacy table %', quote_literal(p_table)
            using errcode = 'object_not_in_prerequisite_state';
    end if;
    return query execute format($q$
with s as (%1$s),
c as (%2$s),
q as (select q0.legacy_id, q0.reason, q0.row from adopt.quarantine q0 where q0.legacy_table = %3$L),
j as (
select coalesce(s.legacy_id, c.legacy_id, q.legacy_id) as legacy_id, s.legacy_id is not null as in_legacy,
       s.reason, s.digest as legacy_digest, s.legacy, c.legacy_id is not null as adopted, c.digest as core_digest,
       q.legacy_id is not null as quarantined, q.reason as q_reason, q.row as q_row
  from s
  full join c on c.legacy_id = s.legacy_id
  full join q on q.legacy_id = coalesce(s.legacy_id, c.legacy_id))
%4$s
 order by 1$q$,
        adopt.source_sql(p_table, st.legacy_schema, st.legacy_timezone, 'true', p_verify => true),
        adopt.core_digest_sql(p_table), p_table,
        adopt.problems_sql(format('not exists (select 1 from adopt.capture k where k.legacy_table = %L'
                                  ' and k.legacy_id = j.legacy_id)', p_table)));
end
$$;
comment on function adopt.differences(text) is
    'Every legacy id of p_table whose legacy row and adopted state disagree (not accounted for, '
    'in both mapping and quarantine, mapped columns differ, quarantined row differs, legacy row '
    'gone, classification changed), ids with a capture entry pending excluded. Reads the whole '
    'legacy table and its adopted rows: run it in one REPEATABLE READ snapshot.';

commit;
