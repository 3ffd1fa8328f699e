-- Deploy lokdarpan:demography/schema to pg
-- The demography module is a PostgreSQL schema of the same name; its objects are created by the
-- changes under sql/deploy/demography/.

begin;

create schema demography;
comment on schema demography is 'Issue-based voter segments, engagement patterns, service gaps and insights.';

commit;
