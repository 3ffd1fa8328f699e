-- Deploy lokdarpan:content/search_articles to pg
-- requires: content/articles
-- Full-text search over article titles and summaries for the application, through the GIN
-- index on content.articles.search_vector; web-search syntax so user input never raises.

begin;

create function content.search_articles(p_query text, p_limit integer default 20)
returns table (uri text, title text, news_source text, publication_date timestamptz,
               sentiment text, driver_type text, rank real)
language sql
stable
parallel safe
set search_path = pg_catalog, content
as $$
    select a.uri, a.title, a.news_source, a.publication_date, a.sentiment, a.driver_type,
           ts_rank(a.search_vector, q.query) as rank
      from (select websearch_to_tsquery('english'::regconfig, coalesce(p_query, '')) as query) q
      join content.articles a on a.search_vector @@ q.query
     order by ts_rank(a.search_vector, q.query) desc, a.publication_date desc nulls last, a.uri
     limit greatest(coalesce(p_limit, 20), 0)
$$;
comment on function content.search_articles(text, integer) is
    'Articles whose title or summary match p_query (web-search syntax: words, "phrases", or, -not; '
    'english stemming), best first (ts_rank, title weighs more than summary; ties: newest, then uri), '
    'at most p_limit rows (default 20, NULL = 20, negative = 0). Empty or stop-word-only queries '
    'return nothing. Cost: one GIN index scan plus ranking of the matches.';

commit;
