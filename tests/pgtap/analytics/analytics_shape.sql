-- pgTAP: the analytics API's shape (volatility, pinned search_path, result types, comments)
-- and the materialized views' unique indexes.
begin;
select plan(22);

select has_function('analytics', 'get_ward_intelligence_fast', array['text', 'integer', 'timestamp with time zone']);
select has_function('analytics', 'get_ward_competitive_analysis', array['text', 'integer', 'timestamp with time zone']);
select has_function('analytics', 'get_ward_sentiment_timeline', array['text', 'integer', 'timestamp with time zone']);
select has_function('analytics', 'search_posts', array['text', 'text', 'integer', 'integer', 'timestamp with time zone']);
select has_function('analytics', 'find_ward', array['text', 'integer']);
select volatility_is('analytics', 'get_ward_intelligence_fast', array['text', 'integer', 'timestamp with time zone'], 'stable');
select volatility_is('analytics', 'get_ward_competitive_analysis', array['text', 'integer', 'timestamp with time zone'], 'stable');
select volatility_is('analytics', 'get_ward_sentiment_timeline', array['text', 'integer', 'timestamp with time zone'], 'stable');
select volatility_is('analytics', 'search_posts', array['text', 'text', 'integer', 'integer', 'timestamp with time zone'], 'stable');
select is((select pg_get_function_result('analytics.get_ward_intelligence_fast(text, integer, timestamptz)'::regprocedure)),
          'TABLE(ward_name text, total_posts bigint, posts_24h bigint, posts_7d bigint, unique_authors bigint, '
          'parties_mentioned bigint, sentiment_positive bigint, sentiment_negative bigint, activity_score numeric, '
          'party_breakdown jsonb)', 'intelligence columns are the seeds'' contract');
select is((select pg_get_function_result('analytics.get_ward_competitive_analysis(text, integer, timestamptz)'::regprocedure)),
          'TABLE(party text, mention_count bigint, mention_share numeric, avg_sentiment numeric, recent_trend numeric)',
          'competitive analysis columns');
select is((select pg_get_function_result('analytics.ward_performance_metrics(text, timestamptz)'::regprocedure)),
          'TABLE(metric_name text, metric_value numeric, target_value numeric, status text)', 'metrics columns');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'analytics' and p.prokind = 'f'
              and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')), 0,
          'every analytics function pins search_path');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'analytics' and obj_description(p.oid, 'pg_proc') is null), 0,
          'every analytics function has a comment');
select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'analytics' and p.proname like 'get\_%' and p.provolatile <> 's'), 0,
          'every get_ reader is STABLE');
select has_materialized_view('analytics', 'ward_analytics_summary', 'summary view exists');
select has_materialized_view('analytics', 'daily_ward_trends', 'trends view exists');
select index_is_unique('analytics', 'ward_analytics_summary', 'uq_ward_analytics_summary__ward_name');
select index_is_unique('analytics', 'daily_ward_trends', 'uq_daily_ward_trends__ward_name__day');
select lives_ok($$select * from analytics.refresh_ward_analytics()$$, 'refresh works on an empty database');
select throws_ok($$select * from analytics.get_ward_intelligence_fast('Nowhere Nagar', 30)$$, 'P0002', null,
                 'an unknown ward raises no_data_found');
select results_eq($$select total_posts from analytics.get_ward_intelligence_fast('Kapra', 7)$$,
                  $$values (0::bigint)$$, 'a quiet ward gives zeros');

select * from finish();
rollback;
