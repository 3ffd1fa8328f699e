-- Revert lokdarpan:ops/pg_stat_statements from pg
-- Drops the extension only when this change installed it (marked by its comment).

begin;

do $$
begin
    if pg_catalog.obj_description(
           (select oid from pg_catalog.pg_extension where extname = 'pg_stat_statements'), 'pg_extension')
       = 'installed by lokdarpan:ops/pg_stat_statements' then
        drop extension pg_stat_statements;
    end if;
end
$$;

commit;
