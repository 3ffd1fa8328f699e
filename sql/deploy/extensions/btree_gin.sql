-- Deploy lokdarpan:extensions/btree_gin to pg
-- requires: extensions/schema
-- B-tree operator classes for GIN: one GIN index on (ward, search vector) answers
-- ward-filtered full-text search without reading the other wards' matches.
-- If the extension is already installed in schema extensions it is kept and left alone on
-- revert; if it is installed in another schema the deploy stops and says how to move it.

begin;

do $$
declare
    v_schema text;
begin
    select n.nspname into v_schema
      from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
     where e.extname = 'btree_gin';
    if v_schema is null then
        create extension btree_gin with schema extensions;
        comment on extension btree_gin is 'installed by lokdarpan:extensions/btree_gin';
    elsif v_schema <> 'extensions' then
        raise exception 'extension btree_gin is installed in schema %, LokDarpan DB expects it in schema extensions', v_schema
            using hint = 'ALTER EXTENSION btree_gin SET SCHEMA extensions;';
    end if;
end
$$;

commit;
