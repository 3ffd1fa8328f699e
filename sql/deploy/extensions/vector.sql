-- Deploy lokdarpan:extensions/vector to pg
-- requires: extensions/schema
-- pgvector: embeddings and approximate nearest-neighbour search (ai module).
-- If the extension is already installed in schema extensions it is kept and left alone on
-- revert; if it is installed in another schema the deploy stops and says how to move it.

begin;

do $$
declare
    v_schema text;
begin
    select n.nspname into v_schema
      from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
     where e.extname = 'vector';
    if v_schema is null then
        create extension vector with schema extensions;
        comment on extension vector is 'installed by lokdarpan:extensions/vector';
    elsif v_schema <> 'extensions' then
        raise exception 'extension vector is installed in schema %, LokDarpan DB expects it in schema extensions', v_schema
            using hint = 'ALTER EXTENSION vector SET SCHEMA extensions;';
    end if;
end
$$;

commit;
