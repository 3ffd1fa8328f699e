-- Deploy lokdarpan:ai/find_similar_content to pg
-- requires: ai/embedding_store
-- The seeds' retrieval entry point, fixed: it picks the embedding model (named, or the only
-- model of the query's dimension), searches through that model's HNSW index with the same
-- cast expression, leaves out expired rows, and applies the ward filter inside the index scan
-- with pgvector 0.8 iterative scans (hnsw.iterative_scan = relaxed_order) so a selective ward
-- still gets its k nearest rows instead of the few that survived the first ef_search
-- candidates. The similarity threshold is applied after the k nearest are found (they are a
-- prefix of the distance order, so the result is the same as filtering first). Sequential
-- scans are priced out inside the function: the planner does not cost detoasting a 12 KB
-- vector per row, and at 100k rows x 3,072 dims it chose a parallel seq scan reading 1.2 GB
-- (~1 s) over the ward b-tree or the HNSW index (~10-20 ms); without a ward it also preferred
-- sorting all the model's rows (2 s) to the HNSW index (12 ms), so sorting is priced out then.
-- With a ward, reading the ward's rows by b-tree and sorting them exactly was faster than an
-- iterative HNSW scan (58 vs 90 ms at 3,072 dims), so the planner keeps that choice.

begin;

create function ai.resolve_embedding_model(p_model text, p_dimensions integer)
returns text
language plpgsql
stable
set search_path = pg_catalog, ai
as $$
declare
    v_model ai.embedding_model;
    v_count integer;
begin
    if p_model is not null then
        select * into v_model from ai.embedding_model m where m.model_name = p_model;
        if not found then
            raise exception 'unknown embedding model %', quote_literal(p_model)
                using errcode = 'no_data_found',
                      hint = 'registered models: ' || (select string_agg(m.model_name, ', ' order by m.model_name)
                                                         from ai.embedding_model m);
        end if;
        if p_dimensions is not null and v_model.dimensions <> p_dimensions then
            raise exception 'embedding model % has % dimensions, the query vector has %',
                p_model, v_model.dimensions, p_dimensions
                using errcode = 'data_exception';
        end if;
        return v_model.model_name;
    end if;
    select count(*), min(m.model_name) into v_count, v_model.model_name
      from ai.embedding_model m where m.dimensions = p_dimensions;
    if v_count = 0 then
        raise exception 'no embedding model has % dimensions', p_dimensions
            using errcode = 'data_exception';
    elsif v_count > 1 then
        raise exception 'several embedding models have % dimensions', p_dimensions
            using errcode = 'data_exception', hint = 'pass embedding_model';
    end if;
    return v_model.model_name;
end
$$;
comment on function ai.resolve_embedding_model(text, integer) is
    'The embedding model to search: p_model when given (checked against p_dimensions), else the '
    'only registered model with p_dimensions dimensions; raises otherwise. One registry lookup.';

create function ai.similar_content_sql(p_model text)
returns text
language sql
stable
strict
set search_path = pg_catalog, ai
as $$
    select format(
        'select s.embedding_id, s.content_chunk, s.source_title, (1 - s.distance)::double precision,'
        '       s.ward_context, s.published_at'
        '  from (select e.embedding_id, e.content_chunk, e.source_title, e.ward_context, e.published_at,'
        '               %1$s operator(extensions.<=>) ($1::extensions.%2$s(%3$s)) as distance'
        '          from ai.embedding_store e'
        '         where e.embedding_model = %4$L'
        '           and ($2::text is null or e.ward_context = $2::text)'
        '           and (e.expires_at is null or e.expires_at > $5::timestamptz)'
        '         order by distance'
        '         limit $3::integer) s'
        ' where 1 - s.distance >= $4::double precision'
        ' order by s.distance, s.embedding_id',
        ai.embedding_vector_expr(m.model_name, 'e'), m.index_type, m.dimensions, m.model_name)
      from ai.embedding_model m
     where m.model_name = p_model
$$;
comment on function ai.similar_content_sql(text) is
    'The query ai.find_similar_content runs for model p_model (parameters: $1 query vector, '
    '$2 ward or NULL, $3 limit, $4 similarity threshold, $5 now); for EXPLAIN. NULL for an '
    'unknown model.';

create function ai.find_similar_content(query_vector extensions.vector,
                                        ward_filter text default null,
                                        limit_results integer default 10,
                                        similarity_threshold double precision default 0.7,
                                        embedding_model text default null)
returns table (content_id bigint, content_chunk text, source_title text,
               similarity_score double precision, ward_context text, published_at timestamptz)
language plpgsql
stable
set search_path = pg_catalog, ai, extensions
set hnsw.iterative_scan = 'relaxed_order'
set hnsw.ef_search = 100
set enable_seqscan = off
set enable_sort = on
as $$
declare
    v_model text;
    v_ef    integer;
    v_ward  text;
begin
    if query_vector is null then
        raise exception 'query_vector must not be NULL' using errcode = 'null_value_not_allowed';
    end if;
    if limit_results is null or limit_results not between 1 and 1000 then
        raise exception 'limit_results must be between 1 and 1000, got %', limit_results
            using errcode = 'invalid_parameter_value';
    end if;
    if similarity_threshold is null or similarity_threshold not between -1 and 1 then
        raise exception 'similarity_threshold must be between -1 and 1, got %', similarity_threshold
            using errcode = 'invalid_parameter_value';
    end if;
    v_model := ai.resolve_embedding_model(embedding_model, extensions.vector_dims(query_vector));
    if ward_filter is not null then
        v_ward := core.resolve_ward(ward_filter);
    end if;
    select m.ef_search into v_ef from ai.embedding_model m where m.model_name = v_model;
    -- restored when the function returns (it has its own SET clause for hnsw.ef_search)
    perform set_config('hnsw.ef_search', greatest(v_ef, limit_results)::text, true);
    if v_ward is null then
        -- no ward: the order must come from the HNSW index, never from sorting the model's rows
        perform set_config('enable_sort', 'off', true);
    end if;
    return query execute ai.similar_content_sql(v_model)
        using query_vector, v_ward, limit_results, similarity_threshold, now();
end
$$;
comment on function ai.find_similar_content(extensions.vector, text, integer, double precision, text) is
    'The seeds'' retrieval function, fixed: up to limit_results (1..1000) non-expired chunks '
    'nearest to query_vector by cosine similarity (1 - cosine distance, in [-1, 1]), at least '
    'similarity_threshold, optionally in one ward (case and spaces ignored; unknown ward raises '
    'P0002), nearest first. The model is embedding_model or the only one with the query''s '
    'dimension. Cost: one HNSW index scan of the model''s index (approximate; iterative scan '
    'keeps recall under the ward filter), ef_search from ai.embedding_model.';

commit;
