-- Behaviour of audit/analytics_ingest_access (its verify script checked this until v1.0.0; verifies now
-- check shape only, see README "Adding a change").
-- Every ward relation is protected; a Kapra analyst gets Kapra's rollups and dashboard rows only.

begin;
select plan(5);

select ok(count(*) = 0, 'audit/analytics_ingest_access: check 1') from audit.ward_scoped_table
 where status = 'unprotected' and table_schema in ('analytics', 'ingest');
select ok(count(*) = 2, 'audit/analytics_ingest_access: check 2') from pg_catalog.pg_policy p
 where p.polname = 'ward_access'
   and p.polrelid in ('analytics.ward_hour'::regclass, 'analytics.ward_hour_party'::regclass);
select ok(not has_table_privilege('lokdarpan_analyst', 'analytics.ward_analytics_summary', 'select')
            and has_table_privilege('lokdarpan_analyst', 'analytics.ward_analytics_summary_by_ward', 'select')
            and has_table_privilege('lokdarpan_app', 'analytics.ward_analytics_summary', 'select')
            and has_table_privilege('lokdarpan_ingest', 'analytics.ward_hour', 'insert'), 'audit/analytics_ingest_access: check 3');
create role lokdarpan_verify_analytics nologin in role lokdarpan_analyst;
insert into audit.ward_assignment (role_name, ward_name) values ('lokdarpan_verify_analytics', 'Kapra');
set local role lokdarpan_verify_analytics;
select ok(count(*) = 1, 'audit/analytics_ingest_access: check 4') from analytics.ward_analytics_summary_by_ward;
select ok(count(*) = 0, 'audit/analytics_ingest_access: check 5') from analytics.ward_hour where ward_name <> 'Kapra';
reset role;

select * from finish();
rollback;
