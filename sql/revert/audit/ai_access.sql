-- Revert lokdarpan:audit/ai_access from pg

begin;

alter default privileges in schema ai revoke select on tables from lokdarpan_admin;
revoke select on all tables in schema ai from lokdarpan_admin;
revoke select, insert, update on all tables in schema ai from lokdarpan_app;

do $$
declare
    v_t record;
begin
    for v_t in
        select p.polrelid::regclass as tbl
          from pg_catalog.pg_policy p
          join pg_catalog.pg_class c on c.oid = p.polrelid
          join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         where p.polname = 'ward_access' and n.nspname = 'ai'
    loop
        execute format('revoke select on %s from lokdarpan_readonly', v_t.tbl);
        perform audit.disable_ward_rls(v_t.tbl);
    end loop;
end
$$;

commit;
