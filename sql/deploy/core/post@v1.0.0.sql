-- Deploy lokdarpan:core/post to pg
-- requires: core/ward
-- requires: core/vocabulary
-- requires: core/author
-- requires: core/epaper
-- requires: core/text_sha256
-- requires: core/partition
-- requires: extensions/btree_gin
-- Posts per ward, range-partitioned by month on created_at (UTC month bounds) with a default
-- partition, indexed for the ward-centric access paths, with a full-text search vector and a
-- content fingerprint. Global dedupe lives in core.post_fingerprint: a unique key on a
-- partitioned table must include the partition key, so it cannot be one here.
--
-- References (city -> ward, author_id -> author, epaper_id -> epaper) are checked per
-- statement against the transition table (one anti-join per INSERT/UPDATE) instead of by
-- row-level foreign keys: an RI trigger per row, with its FOR KEY SHARE lock on the same 145
-- ward rows from parallel ingest batches, costs more than the rest of the ingest. Deleting or
-- renaming a referenced ward/author/e-paper is refused the same way. The check aggregates over
-- the whole transition table, so the planner hash-joins the 145 wards instead of probing the
-- ward index once per inserted row (~13 us a probe, a tenth of a bulk insert's time).
--
-- Indexes: ward + time, ward + author + time, and one GIN index on (city, search_vector)
-- (btree_gin: it serves ward-filtered and unfiltered full-text search alike). No ward + party
-- or ward + emotion index: the rollups answer those, and each cost ~5 us per ingested post.
-- Closed months are rewritten in ward order by maintenance (partition_policy.order_by).

begin;

create sequence core.post_post_id_seq as bigint;
comment on sequence core.post_post_id_seq is 'Ids of core.post (partitioned tables take no identity on PostgreSQL 15/16).';

create function core.post_fingerprint(p_city text, p_author text, p_created_at timestamptz, p_text text)
returns bytea
language sql
immutable
parallel safe
set search_path = pg_catalog, core
as $$
    select core.text_sha256(lower(coalesce(p_city, '')) || E'\x1f' || coalesce(p_author, '') || E'\x1f'
                            || coalesce(extract(epoch from p_created_at)::text, '') || E'\x1f'
                            || coalesce(p_text, ''))
$$;
comment on function core.post_fingerprint(text, text, timestamptz, text) is
    'Content fingerprint of a post: sha256 over ward (case-folded), author name, instant and text. '
    'Two posts with the same fingerprint are the same post.';

create table core.post (
    post_id        bigint not null default nextval('core.post_post_id_seq'),
    created_at     timestamptz not null,
    city           text not null,
    author_id      bigint,
    epaper_id      bigint,
    text           text not null,
    emotion        text not null default 'unknown',
    emotion_raw    text,
    party          text,
    party_raw      text,
    search_vector  tsvector generated always as (to_tsvector('english'::regconfig, text)) stored,
    fingerprint    bytea not null,
    batch_id       bigint,
    ingested_at    timestamptz not null default now(),
    constraint pk_post primary key (post_id, created_at),
    constraint ck_post__text check (char_length(text) between 1 and 10000 and btrim(text) <> ''),
    constraint ck_post__emotion check (emotion in ('positive', 'negative', 'neutral', 'mixed', 'unknown')),
    constraint ck_post__party check (party in ('BJP', 'INC', 'BRS', 'AIMIM', 'TDP', 'YSRCP', 'JSP',
                                               'NOTA', 'Independent', 'Other')),
    constraint ck_post__fingerprint check (octet_length(fingerprint) = 32)
) partition by range (created_at);
alter sequence core.post_post_id_seq owned by core.post.post_id;

create table core.post_default partition of core.post default;
comment on table core.post_default is
    'Default partition of core.post: rows whose month has no partition yet. Maintenance moves '
    'them into their partition when it is created; it should normally be empty.';

create index ix_post__city__created_at on core.post (city, created_at);
create index ix_post__city__author_id__created_at on core.post (city, author_id, created_at);
create index ix_post__city__search_vector on core.post using gin (city, search_vector);
comment on index core.ix_post__city__search_vector is
    'Full-text search over posts, optionally within one ward (btree_gin for city).';

comment on table core.post is
    'Posts per ward, partitioned by month of created_at (partitions core.post_pYYYY_MM, UTC '
    'month bounds, plus core.post_default). Written by the ingest module.';
comment on column core.post.city is 'Ward name (core.ward.ward_name); checked per statement.';
comment on column core.post.emotion is
    'Canonical emotion (core.emotion): positive, negative, neutral, mixed or unknown.';
comment on column core.post.emotion_raw is 'Emotion label as received, before normalisation.';
comment on column core.post.party is 'Canonical party label (core.party) or NULL when none is mentioned.';
comment on column core.post.party_raw is 'Party label as received, before normalisation.';
comment on column core.post.search_vector is 'english full-text vector of text (generated).';
comment on column core.post.fingerprint is 'core.post_fingerprint(city, author name, created_at, text).';
comment on column core.post.batch_id is 'Ingest batch that inserted the row (ingest.batch), if any.';
comment on column core.post.author_id is 'Author (core.author); checked per statement.';
comment on column core.post.epaper_id is 'E-paper the post came from (core.epaper); checked per statement.';

create table core.post_fingerprint (
    fingerprint  bytea constraint pk_post_fingerprint primary key,
    post_id      bigint not null,
    created_at   timestamptz not null,
    constraint ck_post_fingerprint__length check (octet_length(fingerprint) = 32)
);
comment on table core.post_fingerprint is
    'Global dedupe of posts: one row per distinct post fingerprint, pointing at the post.';

create function core.tg_post__check_references()
returns trigger
language plpgsql
set search_path = pg_catalog, core
as $$
declare
    v_bad_ward    boolean;
    v_bad_author  boolean;
    v_bad_epaper  boolean;
    v_city        text;
    v_author      bigint;
    v_epaper      bigint;
begin
    -- one pass over the new rows and no LIMIT: with a LIMIT 1 the planner probed an index once
    -- per new row (the ward lookup alone cost ~13 us per post); aggregates let it hash-join
    select bool_or(w.ward_name is null), min(n.city) filter (where w.ward_name is null),
           bool_or(n.author_id is not null and a.author_id is null),
           min(n.author_id) filter (where n.author_id is not null and a.author_id is null),
           bool_or(n.epaper_id is not null and e.epaper_id is null),
           min(n.epaper_id) filter (where n.epaper_id is not null and e.epaper_id is null)
      into v_bad_ward, v_city, v_bad_author, v_author, v_bad_epaper, v_epaper
      from new_rows n
      left join core.ward w on w.ward_name = n.city
      left join core.author a on a.author_id = n.author_id
      left join core.epaper e on e.epaper_id = n.epaper_id;
    if v_bad_ward then
        raise exception 'city % of core.post is not a ward (core.ward)', quote_nullable(v_city)
            using errcode = 'foreign_key_violation';
    elsif v_bad_author then
        raise exception 'author_id % of core.post is not in core.author', v_author
            using errcode = 'foreign_key_violation';
    elsif v_bad_epaper then
        raise exception 'epaper_id % of core.post is not in core.epaper', v_epaper
            using errcode = 'foreign_key_violation';
    end if;
    return null;
end
$$;
comment on function core.tg_post__check_references() is
    'Statement trigger on core.post: every new row''s city, author_id and epaper_id must exist '
    '(one hash or index anti-join per reference per statement); raises foreign_key_violation (23503) '
    'naming the smallest offending value otherwise.';

create trigger tg_post__check_references_insert
    after insert on core.post referencing new table as new_rows
    for each statement execute function core.tg_post__check_references();
create trigger tg_post__check_references_update
    after update on core.post referencing new table as new_rows
    for each statement execute function core.tg_post__check_references();

create function core.tg__restrict_post_reference()
returns trigger
language plpgsql
set search_path = pg_catalog, core
as $$
declare
    v_key   text := tg_argv[0];
    v_col   text := tg_argv[1];
    v_found text;
begin
    execute format(
        'select o.%1$I::text from old_rows o'
        ' where not exists (select 1 from %2$I.%3$I t where t.%1$I = o.%1$I)'
        '   and exists (select 1 from core.post p where p.%4$I = o.%1$I) limit 1',
        v_key, tg_table_schema, tg_table_name, v_col)
       into v_found;
    if v_found is not null then
        raise exception '%.% % = % is still referenced by core.post.%', tg_table_schema, tg_table_name,
            v_key, quote_literal(v_found), v_col
            using errcode = 'foreign_key_violation';
    end if;
    return null;
end
$$;
comment on function core.tg__restrict_post_reference() is
    'Statement trigger (args: key column, core.post column): refuses a DELETE or key UPDATE that '
    'would leave posts pointing at a row that no longer exists; raises foreign_key_violation.';

create trigger tg_ward__restrict_post_delete after delete on core.ward referencing old table as old_rows
    for each statement execute function core.tg__restrict_post_reference('ward_name', 'city');
create trigger tg_ward__restrict_post_update after update on core.ward referencing old table as old_rows
    for each statement execute function core.tg__restrict_post_reference('ward_name', 'city');
create trigger tg_author__restrict_post_delete after delete on core.author referencing old table as old_rows
    for each statement execute function core.tg__restrict_post_reference('author_id', 'author_id');
create trigger tg_epaper__restrict_post_delete after delete on core.epaper referencing old table as old_rows
    for each statement execute function core.tg__restrict_post_reference('epaper_id', 'epaper_id');

insert into core.partition_policy (parent_schema, parent_table, months_ahead, months_behind, order_by)
values ('core', 'post', 3, 12, 'city, created_at');
select count(*) from core.ensure_partitions(now(), 'core.post'::regclass);

create function core.create_monthly_post_partition(p_month date)
returns text
language sql
volatile
set search_path = pg_catalog, core
as $$
    select c.partition_name from core.create_monthly_partition('core.post'::regclass, p_month) c
$$;
comment on function core.create_monthly_post_partition(date) is
    'The seeds'' entry point: ensures the core.post partition for the month of p_month exists '
    '(moving rows out of the default partition) and returns its name. Idempotent.';

create function core.create_monthly_post_partition(p_at timestamptz)
returns text
language sql
volatile
set search_path = pg_catalog, core
as $$
    select core.create_monthly_post_partition(core.month_start(p_at))
$$;
comment on function core.create_monthly_post_partition(timestamptz) is
    'Same as the date form for the UTC month of p_at; also takes timestamp '
    'holding the instant p_at.';

create function core.create_monthly_post_partition(p_at timestamp)
returns text
language sql
volatile
set search_path = pg_catalog, core
as $$
    select core.create_monthly_post_partition(date_trunc('month', p_at)::date)
$$;
comment on function core.create_monthly_post_partition(timestamp) is
    'Same as the date form for the calendar month of p_at, so the seeds'' call '
    'create_monthly_post_partition(CURRENT_DATE + INTERVAL ''1 month'') works.';

commit;
