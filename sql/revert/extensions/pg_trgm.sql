-- Revert lokdarpan:extensions/pg_trgm from pg
-- Drops the extension only when this change installed it (marked by its comment).

begin;

do $$
begin
    if pg_catalog.obj_description(
           (select oid from pg_catalog.pg_extension where extname = 'pg_trgm'), 'pg_extension')
       = 'installed by lokdarpan:extensions/pg_trgm' then
        drop extension pg_trgm;
    end if;
end
$$;

commit;
