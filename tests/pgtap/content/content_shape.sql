-- pgTAP: shape of the content module (tables, keys, foreign keys and their indexes, access-path
-- indexes, the search vector, comments, function properties, registered integrity checks).
begin;
select plan(34);

select has_schema('content');
select has_table('content', 'articles', 'articles exists');
select has_table('content', 'raw_articles', 'raw_articles exists');
select has_table('content', 'keyword_article_matches', 'keyword_article_matches exists');
select has_table('content', 'article_analysis_cache', 'article_analysis_cache exists');
select has_table('content', 'import_run', 'import_run exists');
select has_table('content', 'import_reject', 'import_reject exists');
select col_is_pk('content', 'articles', array['uri']::name[], 'uri is the article key');
select col_is_pk('content', 'raw_articles', array['uri']::name[], 'one raw body per article');
select col_is_unique('content', 'keyword_article_matches', array['article_uri', 'keyword']::name[]);
select col_is_unique('content', 'article_analysis_cache', array['article_uri', 'analysis_type', 'model_used']::name[]);
select fk_ok('content', 'raw_articles', 'uri', 'content', 'articles', 'uri');
select fk_ok('content', 'keyword_article_matches', 'article_uri', 'content', 'articles', 'uri');
select fk_ok('content', 'article_analysis_cache', 'article_uri', 'content', 'articles', 'uri');
select fk_ok('content', 'import_reject', 'import_id', 'content', 'import_run', 'import_id');
select has_index('content', 'articles', 'ix_articles__publication_date', array['publication_date']::name[]);
select has_index('content', 'articles', 'ix_articles__sentiment__publication_date', array['sentiment', 'publication_date']::name[]);
select has_index('content', 'articles', 'ix_articles__driver_type__publication_date', array['driver_type', 'publication_date']::name[]);
select has_index('content', 'articles', 'ix_articles__ingest_status__submission_date', array['ingest_status', 'submission_date']::name[]);
select has_index('content', 'keyword_article_matches', 'ix_keyword_article_matches__keyword__detected_at', array['keyword', 'detected_at']::name[]);
select is((select am.amname::text from pg_class i join pg_am am on am.oid = i.relam
            where i.oid = 'content.ix_articles__search_vector'::regclass), 'gin', 'search vector has a GIN index');
select is((select attgenerated::text from pg_attribute
            where attrelid = 'content.articles'::regclass and attname = 'search_vector'), 's',
          'search vector is a stored generated column');
-- every foreign key is covered by an index leading with its columns
select is((select count(*)::int from pg_constraint c
            where c.contype = 'f' and c.connamespace = 'content'::regnamespace
              and not exists (select 1 from pg_index i where i.indrelid = c.conrelid
                               and (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey::int2[])),
          0, 'every content foreign key has an index leading with its columns');
select is((select count(*)::int from pg_class c
            where c.relnamespace = 'content'::regnamespace and c.relkind in ('r', 'p')
              and obj_description(c.oid, 'pg_class') is null), 0, 'every content table has a comment');
select is((select count(*)::int from pg_proc p where p.pronamespace = 'content'::regnamespace
            and obj_description(p.oid, 'pg_proc') is null), 0, 'every content function has a comment');
select is((select count(*)::int from pg_proc p where p.pronamespace = 'content'::regnamespace
            and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')), 0,
          'every content function pins search_path');
select volatility_is('content', 'search_articles', array['text', 'integer'], 'stable');
select volatility_is('content', 'check_import_runs', array[]::text[], 'stable');
select volatility_is('content', 'check_import_rejects', array[]::text[], 'stable');
select throws_ok($$insert into content.articles (uri, credibility_score) values ('x', 101)$$,
                 '23514', null, 'a score above 100 is refused');
select throws_ok($$insert into content.articles (uri) values ('   ')$$, '23514', null, 'a blank uri is refused');
select throws_ok($$insert into content.keyword_article_matches (article_uri, keyword) values ('nope', 'k')$$,
                 '23503', null, 'a match needs its article');
select results_eq($$select check_name from ops.integrity_check where check_name like 'content%' order by 1$$,
                  $$values ('content_import_rejects'::text), ('content_import_runs')$$,
                  'content checks are registered');
select is((select count(*)::int from content.search_articles('anything')), 0, 'search works on an empty database');

select * from finish();
rollback;
