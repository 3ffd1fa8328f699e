-- Verify lokdarpan:core/ward on pg
-- Shape only (catalog lookups, nothing read from or written to data tables): the objects
-- the change creates and their columns. Behaviour: tests/pgtap/core/ward.sql.

begin;

select 1 / (count(*) = 3)::int from pg_catalog.pg_attribute
 where attrelid = 'core.ward'::regclass and attnum > 0 and not attisdropped
   and attname in ('ward_name', 'ward_no', 'created_at');
select 'core.uq_ward__lower_name'::regclass;
select 'core.ix_ward__name_trgm'::regclass;
select 'core.ward_lookup(text)'::regprocedure;
select 'core.ward_suggestions(text, int4)'::regprocedure;
select 'core.resolve_ward(text)'::regprocedure;

-- answers from the catalog or on constants
select 1 / (core.ward_lookup('  jubilee   HILLS ') = 'Jubilee Hills')::int;
select 1 / (core.ward_suggestions('jubilee hils', 1) = array['Jubilee Hills'])::int;

rollback;
