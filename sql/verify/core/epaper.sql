-- Verify lokdarpan:core/epaper on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/core/epaper.sql.

begin;

select 1 / (count(*) = 8)::int from pg_catalog.pg_attribute
 where attrelid = 'core.epaper'::regclass and attnum > 0 and not attisdropped
   and attname in ('epaper_id', 'publication_name', 'publication_date', 'raw_text', 'raw_text_sha256', 'city', 'party', 'created_at');
select 'core.ix_epaper__city'::regclass;
select 'core.ix_epaper__party'::regclass;
select 'core.ix_epaper__publication_date'::regclass;

rollback;
