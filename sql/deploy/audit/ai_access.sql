-- Deploy lokdarpan:audit/ai_access to pg
-- requires: audit/grants
-- requires: ai/embedding_store
-- requires: ai/find_similar_content
-- requires: ai/model_execution
-- requires: ai/budget_tracker
-- requires: ai/geopolitical_report
-- requires: ai/system_metrics
-- requires: ai/cleanup
-- Extends row-level security by ward and the grants to the ai module, which was built beside
-- the security module: ward-scoped AI content (embeddings, reports with a ward) gets the
-- standard ward_access policy (NULL ward = city-wide, visible to all) and SELECT for readonly;
-- the application reads and writes the module's tables (no DELETE: cleanup is the owner's
-- job through ai.ai_cleanup_expired_data), admins read them.

begin;

do $$
declare
    v_t record;
begin
    for v_t in
        select w.table_schema, w.table_name, w.ward_column, not a.attnotnull as nullable
          from audit.ward_scoped_table w
          join pg_catalog.pg_attribute a
            on a.attrelid = format('%I.%I', w.table_schema, w.table_name)::regclass and a.attname = w.ward_column
         where w.table_schema = 'ai' and w.kind in ('table', 'partitioned table') and w.status = 'unprotected'
         order by 1, 2
    loop
        perform audit.enable_ward_rls(format('%I.%I', v_t.table_schema, v_t.table_name)::regclass,
                                      v_t.ward_column, v_t.nullable);
        execute format('grant select on %I.%I to lokdarpan_readonly', v_t.table_schema, v_t.table_name);
    end loop;
end
$$;

grant select, insert, update on all tables in schema ai to lokdarpan_app;
grant select on all tables in schema ai to lokdarpan_admin;
alter default privileges in schema ai grant select on tables to lokdarpan_admin;

commit;
