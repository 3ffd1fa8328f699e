-- Verify lokdarpan:core/post on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects of
-- core/post@v1.0.0 and, since the rework, core.post_fingerprint's primary key on
-- (created_at, fingerprint) with a valid index. Behaviour: tests/pgtap/core/post.sql,
-- tests/ingest, tests/adopt.

begin;

select 'core.post_post_id_seq'::regclass;
select 'core.post_fingerprint(text, text, timestamptz, text)'::regprocedure;
select 1 / (count(*) = 14)::int from pg_catalog.pg_attribute
 where attrelid = 'core.post'::regclass and attnum > 0 and not attisdropped
   and attname in ('post_id', 'created_at', 'city', 'author_id', 'epaper_id', 'text', 'emotion', 'emotion_raw', 'party', 'party_raw', 'search_vector', 'fingerprint', 'batch_id', 'ingested_at');
select 'core.post_default'::regclass;
select 'core.ix_post__city__created_at'::regclass;
select 'core.ix_post__city__author_id__created_at'::regclass;
select 'core.ix_post__city__search_vector'::regclass;
select 1 / (count(*) = 3)::int from pg_catalog.pg_attribute
 where attrelid = 'core.post_fingerprint'::regclass and attnum > 0 and not attisdropped
   and attname in ('fingerprint', 'post_id', 'created_at');
select 'core.tg_post__check_references()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'core.post'::regclass and tgname = 'tg_post__check_references_insert';
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'core.post'::regclass and tgname = 'tg_post__check_references_update';
select 'core.tg__restrict_post_reference()'::regprocedure;
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'core.ward'::regclass and tgname = 'tg_ward__restrict_post_delete';
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'core.ward'::regclass and tgname = 'tg_ward__restrict_post_update';
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'core.author'::regclass and tgname = 'tg_author__restrict_post_delete';
select 1 / count(*) from pg_catalog.pg_trigger
 where tgrelid = 'core.epaper'::regclass and tgname = 'tg_epaper__restrict_post_delete';
select 'core.create_monthly_post_partition(date)'::regprocedure;
select 'core.create_monthly_post_partition(timestamptz)'::regprocedure;
select 'core.create_monthly_post_partition(timestamp)'::regprocedure;

-- answers from the catalog or on constants
select 1 / (count(*) >= 5)::int from core.partitions_of('core.post'::regclass) where not is_default;
select 1 / count(*) from core.partitions_of('core.post'::regclass) where is_default;

-- the reworked key
select 1 / count(*)
  from pg_catalog.pg_constraint c
  join pg_catalog.pg_index i on i.indexrelid = c.conindid
 where c.conrelid = 'core.post_fingerprint'::regclass and c.conname = 'pk_post_fingerprint'
   and pg_catalog.pg_get_constraintdef(c.oid) = 'PRIMARY KEY (created_at, fingerprint)'
   and i.indisvalid;

rollback;
