-- Verify lokdarpan:audit/analytics_ingest_access on pg
-- Every ward relation is protected; a Kapra analyst gets Kapra's rollups and dashboard rows only.

begin;

select 1 / (count(*) = 0)::int from audit.ward_scoped_table
 where status = 'unprotected' and table_schema in ('analytics', 'ingest');
select 1 / (count(*) = 2)::int from pg_catalog.pg_policy p
 where p.polname = 'ward_access'
   and p.polrelid in ('analytics.ward_hour'::regclass, 'analytics.ward_hour_party'::regclass);
select 1 / (not has_table_privilege('lokdarpan_analyst', 'analytics.ward_analytics_summary', 'select')
            and has_table_privilege('lokdarpan_analyst', 'analytics.ward_analytics_summary_by_ward', 'select')
            and has_table_privilege('lokdarpan_app', 'analytics.ward_analytics_summary', 'select')
            and has_table_privilege('lokdarpan_ingest', 'analytics.ward_hour', 'insert'))::int;
create role lokdarpan_verify_analytics nologin in role lokdarpan_analyst;
insert into audit.ward_assignment (role_name, ward_name) values ('lokdarpan_verify_analytics', 'Kapra');
set local role lokdarpan_verify_analytics;
select 1 / (count(*) = 1)::int from analytics.ward_analytics_summary_by_ward;
select 1 / (count(*) = 0)::int from analytics.ward_hour where ward_name <> 'Kapra';
reset role;

rollback;
