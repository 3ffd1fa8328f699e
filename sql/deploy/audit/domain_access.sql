-- Deploy lokdarpan:audit/domain_access to pg
-- requires: audit/grants
-- requires: audit/audit_triggers
-- requires: electoral/polling_station
-- requires: electoral/result
-- requires: electoral/ward_profile
-- requires: pulse/sentiment_timeseries
-- requires: pulse/momentum
-- requires: pulse/issue_tracker
-- requires: knowledge/knowledge_base
-- requires: knowledge/talking_points
-- requires: knowledge/fact_check
-- requires: knowledge/campaign_position
-- requires: demography/voter_segment
-- requires: demography/service_gap
-- requires: crisis/crisis_event
-- requires: crisis/response
-- requires: crisis/ward_crisis_summary
-- requires: content/articles
-- requires: content/raw_articles
-- requires: content/keyword_article_matches
-- requires: content/article_analysis_cache
-- requires: content/import
-- Extends row-level security by ward, grants and the audit trail to the domain modules
-- (electoral, pulse, knowledge, demography, crisis):
--
-- * every table of these modules with a ward column gets the standard ward_access policy
--   (rows with a NULL ward are city-wide and visible to all where the column is nullable), and
--   SELECT for readonly (analysts read them through the policy);
-- * tables without a ward column (elections, crisis events and workflows, templates, segment
--   concerns, ...) are not ward-scoped by a column: they stay with app and admin until their
--   module scopes them (a crisis event's wards live in crisis.crisis_event_ward);
-- * app reads and writes every table of these modules (no DELETE), admin reads everything,
--   ingest nothing; future tables: SELECT for admin;
-- * content (articles imported from the application's SQLite database) carries no ward
--   column: app reads and writes it, admin reads it;
-- * the sensitive tables named by the security design are audited: crisis events, campaign
--   positions, the knowledge base.

begin;

do $$
declare
    v_t record;
begin
    for v_t in
        select w.table_schema, w.table_name, w.ward_column,
               not a.attnotnull as nullable
          from audit.ward_scoped_table w
          join pg_catalog.pg_attribute a
            on a.attrelid = format('%I.%I', w.table_schema, w.table_name)::regclass and a.attname = w.ward_column
         where w.table_schema in ('electoral', 'pulse', 'knowledge', 'demography', 'crisis')
           and w.kind in ('table', 'partitioned table') and w.status = 'unprotected'
         order by 1, 2
    loop
        perform audit.enable_ward_rls(format('%I.%I', v_t.table_schema, v_t.table_name)::regclass,
                                      v_t.ward_column, v_t.nullable);
        execute format('grant select on %I.%I to lokdarpan_readonly', v_t.table_schema, v_t.table_name);
    end loop;
end
$$;

grant select, insert, update on all tables in schema electoral, pulse, knowledge, demography, crisis
   to lokdarpan_app;
grant select, insert, update on all tables in schema content to lokdarpan_app;
grant select on all tables in schema electoral, pulse, knowledge, demography, crisis, content to lokdarpan_admin;
alter default privileges in schema electoral, pulse, knowledge, demography, crisis, content
    grant select on tables to lokdarpan_admin;

select audit.enable_audit('crisis.crisis_event'::regclass);
select audit.enable_audit('knowledge.campaign_position'::regclass);
select audit.enable_audit('knowledge.knowledge_base'::regclass);

commit;
