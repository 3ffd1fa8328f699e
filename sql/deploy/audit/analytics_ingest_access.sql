-- Deploy lokdarpan:audit/analytics_ingest_access to pg
-- requires: audit/grants
-- requires: analytics/rollup
-- requires: analytics/ward_author
-- requires: analytics/ward_api
-- requires: analytics/dashboard
-- requires: ingest/batch
-- requires: ingest/staging
-- requires: ingest/merge
-- requires: ingest/register_authors
-- Extends grants and row-level security by ward to the analytics and ingest modules:
--
-- * the per-ward rollups (analytics.ward_hour, ward_hour_party, ward_day, ward_day_party) and
--   the distinct-author tables (ward_author, ward_author_day) get the standard ward policy;
--   the ward API functions are SECURITY INVOKER and read the rollups and core.post, so an
--   analyst's call for another ward sees nothing of it.
-- * The seeds' materialized views ward_analytics_summary and daily_ward_trends cannot carry
--   row-level security: they keep their names for the roles that see every ward (app, admin)
--   and stay closed to readonly/analyst, who read ward_analytics_summary_by_ward and
--   daily_ward_trends_by_ward (security-barrier views filtered by the caller's wards).
-- * The rollup triggers run as the role that writes posts, so ingest may write the rollups.
-- * ingest.staging_post / staging_epaper hold a city column but are transient staging of
--   unvalidated input: COPY FROM refuses tables with row-level security for every role subject
--   to it, so they are exempt and closed to everybody but ingest and admin instead.
--   ingest.reject keeps raw lines (ward data without a ward column): ingest and admin only.

begin;

insert into audit.ward_rls_exemption (table_schema, table_name, reason) values
    ('ingest', 'staging_post', 'transient COPY staging of unvalidated input (COPY FROM refuses row-level '
                               'security); granted to lokdarpan_ingest and lokdarpan_admin only'),
    ('ingest', 'staging_epaper', 'transient COPY staging of unvalidated input (COPY FROM refuses row-level '
                                 'security); granted to lokdarpan_ingest and lokdarpan_admin only');

-- analytics: rollups and distinct authors by ward
select audit.enable_ward_rls('analytics.ward_hour'::regclass, 'ward_name');
select audit.enable_ward_rls('analytics.ward_hour_party'::regclass, 'ward_name');
select audit.enable_ward_rls('analytics.ward_day'::regclass, 'ward_name');
select audit.enable_ward_rls('analytics.ward_day_party'::regclass, 'ward_name');
select audit.enable_ward_rls('analytics.ward_author'::regclass, 'ward_name');
select audit.enable_ward_rls('analytics.ward_author_day'::regclass, 'ward_name');
grant select on analytics.ward_hour, analytics.ward_hour_party, analytics.ward_day, analytics.ward_day_party,
                analytics.ward_author, analytics.ward_author_day
   to lokdarpan_readonly, lokdarpan_app;
grant select, insert, update, delete
   on analytics.ward_hour, analytics.ward_hour_party, analytics.ward_day, analytics.ward_day_party,
      analytics.ward_author, analytics.ward_author_day
   to lokdarpan_ingest;

-- analytics: dashboards
select audit.protect_ward_matview('analytics.ward_analytics_summary'::regclass, 'ward_name');
select audit.protect_ward_matview('analytics.daily_ward_trends'::regclass, 'ward_name');
grant select on analytics.ward_analytics_summary, analytics.daily_ward_trends to lokdarpan_app;

-- ingest
grant select, insert, update on ingest.batch, ingest.reject to lokdarpan_ingest;
grant select, insert, update, delete on ingest.staging_post, ingest.staging_epaper to lokdarpan_ingest;
grant select on ingest.batch to lokdarpan_app;

-- admin reads everything of both modules, now and later
grant select on all tables in schema analytics, ingest to lokdarpan_admin;
alter default privileges in schema analytics, ingest grant select on tables to lokdarpan_admin;

commit;
