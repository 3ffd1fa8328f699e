-- Revert lokdarpan:extensions/btree_gin from pg
-- Drops the extension only when this change installed it (marked by its comment).

begin;

do $$
begin
    if pg_catalog.obj_description(
           (select oid from pg_catalog.pg_extension where extname = 'btree_gin'), 'pg_extension')
       = 'installed by lokdarpan:extensions/btree_gin' then
        drop extension btree_gin;
    end if;
end
$$;

commit;
