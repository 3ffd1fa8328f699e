-- transactional: false
-- Deploy lokdarpan:core/post_ward_terms to pg
-- requires: core/post
-- A ward's search read every match of its terms in the whole month and intersected them with the
-- ward's posts: the GIN index on core.post (city, search_vector) keeps the two as separate keys,
-- so a ward-filtered search over all time cost ~85 ms at the median and 205 ms at p95 at
-- 53,000,000 posts (a year), growing with the city's matches, not the ward's. This index keys
-- each lexeme by its ward ("Kondapur" + U+001F + "water", core.ward_terms): one key's posting
-- list is exactly that ward's posts holding that lexeme (analytics.search_posts reads it).
--
-- Runs outside a transaction, one statement at a time (the engine runs each statement that can
-- run in a transaction in one of its own, under the lock ramp; so does psql under sqitch); the
-- partitions' statements come from the catalog through psql's \gexec:
-- 1. core.ward_terms and core.ward_query_terms (functions: catalog only);
-- 2. the partitioned index created ON ONLY core.post: invalid until every partition has its
--    own, catalog only (SHARE on core.post for milliseconds); a partition created from here on
--    (maintenance) gets its index with its table;
-- 3. a partition's index an interrupted build left invalid is dropped (CONCURRENTLY);
-- 4. each partition not yet covered gets its index CONCURRENTLY (SHARE UPDATE EXCLUSIVE on
--    that partition: the application reads and writes on; ~80 s per 4,400,000-post month on
--    2 cores, so ~3 minutes at 10,000,000 posts and ~17 at 53,000,000);
-- 5. each is attached (catalog only, milliseconds); with the last the index becomes valid.
-- Every statement can run again: a deploy killed half-way is deployed again and goes on.

-- The vector's text form without positions is 'lexeme' 'lexeme' ...: each ' ' between two lexemes
-- becomes U+001E + the ward + U+001F, then the text is split at U+001E.
create or replace function core.ward_terms(p_city text, p_search_vector tsvector)
returns text[]
language sql
immutable
parallel safe
as $$
    select pg_catalog.string_to_array(
               p_city operator(pg_catalog.||) E'\x1f' operator(pg_catalog.||)
               pg_catalog.replace(pg_catalog.btrim(pg_catalog.strip(p_search_vector)::text, ''''), ''' ''',
                                  E'\x1e' operator(pg_catalog.||) p_city operator(pg_catalog.||) E'\x1f'),
               E'\x1e')
$$;
comment on function core.ward_terms(text, tsvector) is
    'The lexemes of p_search_vector keyed by ward: p_city || U+001F || lexeme, one element per '
    'lexeme (NULL for a NULL vector). The key of core.ix_post__ward_terms. Built-in immutable '
    'calls only, every name schema-qualified and no SET clause, so PostgreSQL inlines it into the '
    'index expression and into queries (~2 us a post). Exact for every lexeme without a quote, '
    'a backslash or U+001E/U+001F, in any vector whose lexemes hold no space (what to_tsvector '
    'makes); core.ward_query_terms names no key for any other lexeme.';

create or replace function core.ward_query_terms(p_city text, p_query tsquery)
returns text[]
language plpgsql
immutable
parallel safe
set search_path = pg_catalog
as $$
declare
    v_text  text := p_query::text;
    v_keys  text[];
    v_odd   boolean;
begin
    -- the query's operators with every quoted lexeme taken out: OR, a weight or prefix (:), or a
    -- negated group leave no lexeme every match must hold
    if p_city is null or p_city ~ '[\x1e\x1f]'
       or regexp_replace(v_text, '''(?:[^'']|'''')*''', 'L', 'g') ~ '[|:]|!\s*\(' then
        return null;
    end if;
    -- every lexeme not negated is in every match (in the text form, inside its quotes)
    select array_agg(distinct p_city || E'\x1f' || m[2]), bool_or(m[2] ~ '[''\\ \x1e\x1f]')
      into v_keys, v_odd
      from regexp_matches(v_text, '(!?)\s*''((?:[^'']|'''')*)''', 'g') m
     where m[1] = '';
    -- a lexeme with a quote, a backslash, a space or a separator has no key of its own
    if v_keys is null or v_odd then
        return null;
    end if;
    return v_keys;
end
$$;
comment on function core.ward_query_terms(text, tsquery) is
    'The keys of core.ward_terms every post of ward p_city matching p_query holds (its lexemes '
    'not negated, keyed by ward), for core.ward_terms(city, search_vector) @> ...; NULL when the '
    'query names none for sure (an OR, a negated group, a prefix or weight, no positive lexeme, '
    'a lexeme holding a quote, a backslash, a space, U+001E or U+001F): then only city = ... and '
    'search_vector @@ ... narrow it.';

create index if not exists ix_post__ward_terms on only core.post using gin (core.ward_terms(city, search_vector));
comment on index core.ix_post__ward_terms is
    'Lexemes keyed by ward (core.ward_terms): a ward''s search reads only that ward''s matches.';

select format('drop index concurrently %I.%I', n.nspname, c.relname || '_ward_terms_idx')
  from pg_catalog.pg_inherits i
  join pg_catalog.pg_class c on c.oid = i.inhrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where i.inhparent = 'core.post'::regclass
   and exists (select from pg_catalog.pg_index x
                where x.indexrelid = to_regclass(format('%I.%I', n.nspname, c.relname || '_ward_terms_idx'))
                  and not x.indisvalid)
\gexec

select format('create index concurrently if not exists %I on %I.%I using gin (core.ward_terms(city, search_vector))',
              c.relname || '_ward_terms_idx', n.nspname, c.relname)
  from pg_catalog.pg_inherits i
  join pg_catalog.pg_class c on c.oid = i.inhrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where i.inhparent = 'core.post'::regclass
   and not exists (select from pg_catalog.pg_inherits a
                     join pg_catalog.pg_index x on x.indexrelid = a.inhrelid
                    where a.inhparent = 'core.ix_post__ward_terms'::regclass and x.indrelid = c.oid)
 order by c.relname
\gexec

select format('alter index core.ix_post__ward_terms attach partition %I.%I', n.nspname, c.relname || '_ward_terms_idx')
  from pg_catalog.pg_inherits i
  join pg_catalog.pg_class c on c.oid = i.inhrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where i.inhparent = 'core.post'::regclass
   and not exists (select from pg_catalog.pg_inherits a
                     join pg_catalog.pg_index x on x.indexrelid = a.inhrelid
                    where a.inhparent = 'core.ix_post__ward_terms'::regclass and x.indrelid = c.oid)
 order by c.relname
\gexec
