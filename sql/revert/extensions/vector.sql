-- Revert lokdarpan:extensions/vector from pg
-- Drops the extension only when this change installed it (marked by its comment).

begin;

do $$
begin
    if pg_catalog.obj_description(
           (select oid from pg_catalog.pg_extension where extname = 'vector'), 'pg_extension')
       = 'installed by lokdarpan:extensions/vector' then
        drop extension vector;
    end if;
end
$$;

commit;
