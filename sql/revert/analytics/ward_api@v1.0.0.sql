-- Revert lokdarpan:analytics/ward_api from pg

begin;

drop function analytics.find_ward(text, integer);
drop function analytics.search_posts(text, text, integer, integer, timestamptz);
drop function analytics.get_ward_sentiment_timeline(text, integer, timestamptz);
drop function analytics.get_ward_competitive_analysis(text, integer, timestamptz);
drop function analytics.get_ward_intelligence_fast(text, integer, timestamptz);

commit;
