-- Verify lokdarpan:core/author on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns.

begin;

select 1 / (count(*) = 3)::int from pg_catalog.pg_attribute
 where attrelid = 'core.author'::regclass and attnum > 0 and not attisdropped
   and attname in ('author_id', 'name', 'created_at');

rollback;
