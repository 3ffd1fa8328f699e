-- Revert lokdarpan:audit/analytics_ingest_access from pg

begin;

alter default privileges in schema analytics, ingest revoke select on tables from lokdarpan_admin;
revoke select on all tables in schema analytics, ingest from lokdarpan_admin;

revoke select on ingest.batch from lokdarpan_app;
revoke select, insert, update, delete on ingest.staging_post, ingest.staging_epaper from lokdarpan_ingest;
revoke select, insert, update on ingest.batch, ingest.reject from lokdarpan_ingest;

revoke select on analytics.ward_analytics_summary, analytics.daily_ward_trends from lokdarpan_app;
select audit.unprotect_ward_matview('analytics.daily_ward_trends_by_ward'::regclass);
select audit.unprotect_ward_matview('analytics.ward_analytics_summary_by_ward'::regclass);

revoke select, insert, update, delete
    on analytics.ward_hour, analytics.ward_hour_party, analytics.ward_day, analytics.ward_day_party,
       analytics.ward_author, analytics.ward_author_day
  from lokdarpan_ingest;
revoke select on analytics.ward_hour, analytics.ward_hour_party, analytics.ward_day, analytics.ward_day_party,
                 analytics.ward_author, analytics.ward_author_day
  from lokdarpan_readonly, lokdarpan_app;
select audit.disable_ward_rls('analytics.ward_author_day'::regclass);
select audit.disable_ward_rls('analytics.ward_author'::regclass);
select audit.disable_ward_rls('analytics.ward_day_party'::regclass);
select audit.disable_ward_rls('analytics.ward_day'::regclass);
select audit.disable_ward_rls('analytics.ward_hour_party'::regclass);
select audit.disable_ward_rls('analytics.ward_hour'::regclass);

delete from audit.ward_rls_exemption
 where table_schema = 'ingest' and table_name in ('staging_post', 'staging_epaper');

commit;
