-- Verify lokdarpan:core/post_ward_indexes on pg
-- core.post keeps exactly its ward + time, ward + author + time, ward + search, and key indexes.

begin;

select 1 / (count(*) = 0)::int from pg_class
 where relnamespace = 'core'::regnamespace
   and relname in ('ix_post__city__party__created_at', 'ix_post__city__emotion__created_at');
select 1 / (count(*) = 4)::int from pg_index i join pg_class c on c.oid = i.indexrelid
 where i.indrelid = 'core.post'::regclass
   and c.relname in ('pk_post', 'ix_post__city__created_at', 'ix_post__city__author_id__created_at',
                     'ix_post__city__search_vector');

rollback;
