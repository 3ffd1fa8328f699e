-- Verify lokdarpan:analytics/ward_api on pg
-- Shape only: the five functions with the result columns the application reads, and
-- find_ward answering from the 145-row ward registry. Behaviour: tests/pgtap/analytics/ward_api.sql.

begin;

select 1 / (count(*) = 5)::int from pg_catalog.pg_proc
 where oid in ('analytics.get_ward_intelligence_fast(text, integer, timestamptz)'::regprocedure,
               'analytics.get_ward_competitive_analysis(text, integer, timestamptz)'::regprocedure,
               'analytics.get_ward_sentiment_timeline(text, integer, timestamptz)'::regprocedure,
               'analytics.search_posts(text, text, integer, integer, timestamptz)'::regprocedure,
               'analytics.find_ward(text, integer)'::regprocedure);
select 1 / (pg_get_function_result('analytics.search_posts(text, text, integer, integer, timestamptz)'::regprocedure)
            = 'TABLE(post_id bigint, created_at timestamp with time zone, ward_name text, author text, '
              'party text, emotion text, rank real, snippet text)')::int;
select 1 / (ward_name = 'Jubilee Hills')::int from analytics.find_ward('jubilee hils', 1);

rollback;
