"""ai.embedding_store and ai.find_similar_content against exact brute-force search (numpy)."""

from __future__ import annotations

import json

import numpy as np
import psycopg
import psycopg.sql
import pytest

MODEL = "all-MiniLM-L6-v2"
WARDS = ["Kapra", "Uppal", "Mallapur", "Nacharam"]


def vtext(v) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in v) + "]"


def load(db, vecs, model=MODEL, wards=None, expired=None, prefix="chunk"):
    dims = vecs.shape[1]
    rows = []
    for i, v in enumerate(vecs):
        ward = wards[i] if wards is not None else None
        exp = bool(expired[i]) if expired is not None else False
        rows.append((f"{prefix} {i}", ward, vtext(v), model, dims, exp))
    with db.cursor() as cur:
        cur.executemany(
            "insert into ai.embedding_store (content_chunk, source_type, source_title, ward_context,"
            " embedding,"
            " embedding_model, embedding_dimensions, fetched_at, expires_at)"
            " values (%s, 'news', 'title', %s, %s::extensions.vector, %s, %s, now() - interval '10 days',"
            " case when %s then now() - interval '1 day' end)",
            rows,
        )
    ids = [
        r[0]
        for r in db.execute(
            "select embedding_id from ai.embedding_store where embedding_model = %s order by embedding_id",
            [model],
        )
    ]
    db.commit()
    return ids


def oracle(vecs, q, mask, k, threshold):
    """Exact cosine top-k over the rows in mask with similarity >= threshold: [(index, sim)]."""
    norm = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    sims = norm.astype(np.float64) @ (q / np.linalg.norm(q)).astype(np.float64)
    order = [i for i in np.argsort(-sims, kind="stable") if mask[i] and sims[i] >= threshold]
    return [(int(i), float(sims[i])) for i in order[:k]]


def search(db, q, ward=None, k=10, threshold=-1.0, model=None):
    return db.execute(
        "select content_id, similarity_score, ward_context from ai.find_similar_content("
        "%s::extensions.vector, %s, %s, %s, %s)",
        [vtext(q), ward, k, threshold, model],
    ).fetchall()


@pytest.fixture
def dataset(db):
    rng = np.random.default_rng(7)
    n, dims = 1500, 384
    centres = rng.standard_normal((30, dims))
    vecs = (centres[rng.integers(0, 30, n)] + rng.standard_normal((n, dims)) * 0.8).astype(np.float32)
    wards = [WARDS[i] for i in rng.integers(0, len(WARDS), n)]
    expired = rng.random(n) < 0.1
    ids = load(db, vecs, wards=wards, expired=expired)
    queries = (centres[rng.integers(0, 30, 25)] + rng.standard_normal((25, dims)) * 0.8).astype(np.float32)
    return vecs, np.array(wards), expired, ids, queries


def test_exact_semantics_match_the_oracle(db, dataset):
    """With index scans disabled the function is an exact search: same rows, same scores,
    ward filter, expiry and threshold applied exactly as the oracle does."""
    vecs, wards, expired, ids, queries = dataset
    db.execute("set enable_indexscan = off")
    db.execute("set enable_bitmapscan = off")
    for qi, q in enumerate(queries):
        ward = WARDS[qi % len(WARDS)] if qi % 2 else None
        threshold = [-1.0, 0.2, 0.35][qi % 3]
        mask = ~expired & ((wards == ward) if ward else True)
        want = oracle(vecs, q, mask, 10, threshold)
        got = search(db, q, ward.upper() if ward else None, 10, threshold)
        assert [ids.index(r[0]) for r in got] == [i for i, _ in want]
        for (_, s_got, w_got), (_i, s_want) in zip(got, want, strict=True):
            assert s_got == pytest.approx(s_want, abs=1e-5)
            if ward:
                assert w_got == ward


def test_index_search_recall_against_the_oracle(db, dataset):
    vecs, wards, expired, ids, queries = dataset
    hits = total = 0
    ward_hits = ward_total = 0
    for qi, q in enumerate(queries):
        want = {i for i, _ in oracle(vecs, q, ~expired, 10, -1.0)}
        got = [ids.index(r[0]) for r in search(db, q)]
        assert not any(expired[i] for i in got), "expired rows must never be returned"
        hits += len(want & set(got))
        total += len(want)
        ward = WARDS[qi % len(WARDS)]
        want_w = {i for i, _ in oracle(vecs, q, ~expired & (wards == ward), 10, -1.0)}
        got_w = [ids.index(r[0]) for r in search(db, q, ward)]
        assert all(wards[i] == ward for i in got_w)
        assert len(got_w) == len(want_w), "the ward filter must not lose rows (iterative scan)"
        ward_hits += len(want_w & set(got_w))
        ward_total += len(want_w)
    assert hits / total >= 0.9
    assert ward_hits / ward_total >= 0.9


def _plan(db, model, ward):
    sql = db.execute("select ai.similar_content_sql(%s)", [model]).fetchone()[0]
    dims = db.execute("select dimensions from ai.embedding_model where model_name = %s", [model]).fetchone()[
        0
    ]
    db.execute("prepare q (extensions.vector, text, integer, double precision, timestamptz) as " + sql)
    try:
        rows = db.execute(
            psycopg.sql.SQL("explain (format json) execute q({}, {}, 10, 0.5, now())").format(
                psycopg.sql.Literal(vtext(np.ones(dims))), psycopg.sql.Literal(ward)
            )
        ).fetchone()[0]
    finally:
        db.execute("deallocate q")
    return json.dumps(rows)


def test_explain_uses_the_models_hnsw_index(db, dataset):
    """The function's query matches the partial expression index of its model. On 1,500 rows
    the planner may still prefer a seq scan + sort by cost (the 100k benchmark reports the plan
    it picks there), so sorting is priced out here: the order must then come from the index."""
    db.execute("analyze ai.embedding_store")
    db.execute("set enable_sort = off")
    plan = _plan(db, MODEL, None)
    assert "ix_embedding_store__embedding__all_minilm_l6_v2" in plan
    assert '"Seq Scan"' not in plan
    # another model's index is never used for this model's query (partial predicate)
    assert "text_embedding_3" not in plan


def test_halfvec_model_above_2000_dims_is_indexed_and_searched(db):
    rng = np.random.default_rng(3)
    vecs = rng.standard_normal((300, 3072)).astype(np.float32)
    ids = load(db, vecs, model="text-embedding-3-large", prefix="large")
    db.execute("analyze ai.embedding_store")
    # on 300 rows the planner prefers a b-tree + sort to HNSW by cost; with sorting priced
    # out the order must come from an index: the model's halfvec HNSW index
    db.execute("set enable_sort = off")
    plan = _plan(db, "text-embedding-3-large", None)
    assert "ix_embedding_store__embedding__text_embedding_3_large" in plan
    db.execute("reset enable_sort")
    # a stored row is its own nearest neighbour, similarity ~1 (half-precision index expression)
    for i in (0, 17, 299):
        got = search(db, vecs[i], k=3)
        assert ids.index(got[0][0]) == i
        assert got[0][1] == pytest.approx(1.0, abs=1e-3)
    # a 384-dim model and a 3072-dim model live side by side; the query's dimension picks
    load(db, rng.standard_normal((50, 384)).astype(np.float32), prefix="small")
    assert len(search(db, rng.standard_normal(384), k=5)) == 5


def test_dimension_and_argument_errors(db):
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute(
            "insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model,"
            " embedding_dimensions) values ('x', 'news', '[1,2,3]', %s, 384)",
            [MODEL],
        )
    db.rollback()
    # dimension consistent with the vector but not the model's: refused by the model's index
    # expression (vector(384) cast) before the foreign key to (model, dimensions) is checked
    with pytest.raises((psycopg.errors.ForeignKeyViolation, psycopg.errors.DataException)):
        db.execute(
            "insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model,"
            " embedding_dimensions) values ('x', 'news', '[1,2,3]', %s, 3)",
            [MODEL],
        )
    db.rollback()
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        db.execute(
            "insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model,"
            " embedding_dimensions) values ('x', 'news', '[1,2,3]', 'no-such-model', 3)"
        )
    db.rollback()
    with pytest.raises(psycopg.errors.DataException):
        search(db, np.ones(5))  # no model has 5 dimensions
    db.rollback()
    with pytest.raises(psycopg.errors.DataException):
        search(db, np.ones(384), model="text-embedding-3-large")
    db.rollback()
    with pytest.raises(psycopg.errors.NoDataFound):
        search(db, np.ones(384), ward="Atlantis")
    db.rollback()
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        search(db, np.ones(384), k=0)
    db.rollback()
    assert search(db, np.ones(384)) == []  # empty store: no rows, no error


def test_dedupe_by_sha256_per_model_and_access_tracking(db):
    v = vtext(np.ones(384))
    db.execute(
        "insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model,"
        " embedding_dimensions) values ('same \\ text', 'news', %s::extensions.vector, %s, 384)",
        [v, MODEL],
    )
    with pytest.raises(psycopg.errors.UniqueViolation):
        db.execute(
            "insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model,"
            " embedding_dimensions) values ('same \\ text', 'epaper', %s::extensions.vector, %s, 384)",
            [v, MODEL],
        )
    db.rollback()
    db.execute(
        "insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model,"
        " embedding_dimensions) values ('same \\ text', 'news', %s::extensions.vector, %s, 384)",
        [v, MODEL],
    )
    (eid,) = db.execute("select embedding_id from ai.embedding_store").fetchone()
    assert (
        db.execute("select ai.touch_embeddings(array[%s, -1]::bigint[], '2026-01-02')", [eid]).fetchone()[0]
        == 1
    )
    assert (
        db.execute("select ai.touch_embeddings(array[%s]::bigint[], '2026-01-01')", [eid]).fetchone()[0] == 1
    )
    row = db.execute("select access_count, last_accessed_at::date::text from ai.embedding_store").fetchone()
    assert row == (2, "2026-01-02")


def test_index_ddl_for_a_new_model(db):
    db.execute(
        "insert into ai.embedding_model (model_name, dimensions, index_type, provider)"
        " values ('test-model-v1', 768, 'vector', 'local')"
    )
    ddl = db.execute("select ai.embedding_index_ddl('test-model-v1', 8, 32)").fetchone()[0]
    db.commit()
    db.autocommit = True
    db.execute(ddl)
    db.autocommit = False
    idx = db.execute(
        "select indexdef from pg_indexes where indexname = 'ix_embedding_store__embedding__test_model_v1'"
    ).fetchone()[0]
    assert "hnsw" in idx and "vector(768)" in idx and "test-model-v1" in idx
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute(
            "insert into ai.embedding_model (model_name, dimensions, index_type, provider)"
            " values ('too-wide', 3072, 'vector', 'local')"
        )
