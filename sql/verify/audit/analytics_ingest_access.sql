-- Verify lokdarpan:audit/analytics_ingest_access on pg
-- Shape only: every ward relation of analytics and ingest is protected (a catalog view), the six
-- ward tables carry the ward policy, and the grants are in place. What an analyst sees:
-- tests/pgtap/audit/analytics_ingest_access.sql.

begin;

select 1 / (count(*) = 0)::int from audit.ward_scoped_table
 where status = 'unprotected' and table_schema in ('analytics', 'ingest');
select 1 / (count(*) = 6)::int from pg_catalog.pg_policy p
 where p.polname = 'ward_access'
   and p.polrelid in ('analytics.ward_hour'::regclass, 'analytics.ward_hour_party'::regclass,
                      'analytics.ward_day'::regclass, 'analytics.ward_day_party'::regclass,
                      'analytics.ward_author'::regclass, 'analytics.ward_author_day'::regclass);
select 1 / (not has_table_privilege('lokdarpan_analyst', 'analytics.ward_analytics_summary', 'select')
            and has_table_privilege('lokdarpan_analyst', 'analytics.ward_analytics_summary_by_ward', 'select')
            and has_table_privilege('lokdarpan_app', 'analytics.ward_analytics_summary', 'select')
            and has_table_privilege('lokdarpan_ingest', 'analytics.ward_hour', 'insert')
            and has_table_privilege('lokdarpan_ingest', 'analytics.ward_author_day', 'update'))::int;

rollback;
