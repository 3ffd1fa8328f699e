-- Revert lokdarpan:audit/domain_access from pg

begin;

select audit.disable_audit('knowledge.knowledge_base'::regclass);
select audit.disable_audit('knowledge.campaign_position'::regclass);
select audit.disable_audit('crisis.crisis_event'::regclass);

alter default privileges in schema electoral, pulse, knowledge, demography, crisis, content
    revoke select on tables from lokdarpan_admin;
revoke select on all tables in schema electoral, pulse, knowledge, demography, crisis, content from lokdarpan_admin;
revoke select, insert, update on all tables in schema content from lokdarpan_app;
revoke select, insert, update on all tables in schema electoral, pulse, knowledge, demography, crisis
    from lokdarpan_app;

do $$
declare
    v_t record;
begin
    for v_t in
        select p.polrelid::regclass as tbl
          from pg_catalog.pg_policy p
          join pg_catalog.pg_class c on c.oid = p.polrelid
          join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         where p.polname = 'ward_access'
           and n.nspname in ('electoral', 'pulse', 'knowledge', 'demography', 'crisis')
    loop
        execute format('revoke select on %s from lokdarpan_readonly', v_t.tbl);
        perform audit.disable_ward_rls(v_t.tbl);
    end loop;
end
$$;

commit;
