-- Deploy lokdarpan:ops/pg_stat_statements to pg
-- requires: extensions/schema
-- requires: ops/schema
-- pg_stat_statements gives ops.check_performance_thresholds() its slow-statement metric. The
-- extension's functions only work when the server preloads the library
-- (shared_preload_libraries, the embedded server does); without it the views error and the
-- metric reports 'NOT AVAILABLE'. Same rule as the other extensions: kept when already
-- installed in schema extensions (and then left alone on revert), refused in another schema.

begin;

do $$
declare
    v_schema text;
begin
    select n.nspname into v_schema
      from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
     where e.extname = 'pg_stat_statements';
    if v_schema is null then
        create extension pg_stat_statements with schema extensions;
        comment on extension pg_stat_statements is 'installed by lokdarpan:ops/pg_stat_statements';
    elsif v_schema <> 'extensions' then
        raise exception 'extension pg_stat_statements is installed in schema %, LokDarpan DB expects it in schema extensions', v_schema
            using hint = 'ALTER EXTENSION pg_stat_statements SET SCHEMA extensions;';
    end if;
end
$$;

commit;
