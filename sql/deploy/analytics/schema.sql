-- Deploy lokdarpan:analytics/schema to pg
-- The analytics module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/analytics/.

begin;

create schema analytics;
comment on schema analytics is 'Per-ward rollups, ward API functions, full-text search and materialized dashboards.';

commit;
