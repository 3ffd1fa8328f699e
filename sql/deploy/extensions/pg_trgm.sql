-- Deploy lokdarpan:extensions/pg_trgm to pg
-- requires: extensions/schema
-- Trigram similarity: fuzzy ward-name lookup and trigram indexes.
-- If the extension is already installed in schema extensions it is kept and left alone on
-- revert; if it is installed in another schema the deploy stops and says how to move it.

begin;

do $$
declare
    v_schema text;
begin
    select n.nspname into v_schema
      from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
     where e.extname = 'pg_trgm';
    if v_schema is null then
        create extension pg_trgm with schema extensions;
        comment on extension pg_trgm is 'installed by lokdarpan:extensions/pg_trgm';
    elsif v_schema <> 'extensions' then
        raise exception 'extension pg_trgm is installed in schema %, LokDarpan DB expects it in schema extensions', v_schema
            using hint = 'ALTER EXTENSION pg_trgm SET SCHEMA extensions;';
    end if;
end
$$;

commit;
