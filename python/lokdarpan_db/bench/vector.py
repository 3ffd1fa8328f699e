"""Vector search: recall@k and latency of ai.find_similar_content (HNSW per embedding model).

Loads N real 384-dimension embeddings (all-MiniLM-L6-v2 over generated ward political text) and
N random 3,072-dimension vectors (a Gaussian mixture: random cluster centres plus noise) into a
scratch database with the whole plan deployed, builds each model's HNSW index after the load,
and measures recall@k against exact (numpy) search and p50/p95 latency of
ai.find_similar_content with and without a ward filter. Writes the ``vector`` section of
BENCHMARKS.md.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import statistics
import struct
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from ..console import logger, status
from ..errors import UserError
from ..migrations.engine import Deployer
from ..postgres.connect import connect, resolve_url
from ..project import project_dir
from . import report

SCRATCH_DB = f"lokdarpan_bench_vector_{os.getpid()}"  # one per run: concurrent runs never collide
MODELS = {384: "all-MiniLM-L6-v2", 1536: "text-embedding-3-small", 3072: "text-embedding-3-large"}
TARGETS = {384: (0.95, 20.0), 3072: (0.90, 50.0)}


def add_arguments(p) -> None:
    """Add this benchmark's options."""
    p.add_argument("--n", type=int, default=100_000, help="embeddings per model (default 100000)")
    p.add_argument(
        "--dims",
        default="384,3072",
        help="comma-separated dimensions to run: 384 (real model), 1536, 3072 (random)",
    )
    p.add_argument("--queries", type=int, default=200, help="queries per case (default 200)")
    p.add_argument("--runs", type=int, default=3, help="timed runs per case; medians reported")
    p.add_argument("-k", type=int, default=10, help="neighbours per query (recall@k)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--m", type=int, default=16, help="HNSW m")
    p.add_argument("--ef-construction", type=int, default=64, help="HNSW ef_construction")
    p.add_argument("--ef-search", type=int, default=None, help="override ai.embedding_model.ef_search for the run")
    p.add_argument("--maintenance-work-mem", default="4GB")
    p.add_argument(
        "--random",
        action="store_true",
        help="random Gaussian-mixture vectors for 384 dims too (no model needed)",
    )
    p.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    p.add_argument("--no-report", action="store_true", help="print, do not write BENCHMARKS.md")


def _vector_binary(row) -> bytes:
    """pgvector's binary input format: int16 dim, int16 unused, float4 big-endian each."""
    return struct.pack(">hh", row.shape[0], 0) + row.astype(">f4").tobytes()


def _vector_text(row) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in row.tolist()) + "]"


def _scratch(args) -> str:
    """Create (fresh) the scratch database next to the target one and deploy the plan into it."""
    url = resolve_url(args.db, log=logger(args.quiet))
    with connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(SCRATCH_DB)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(SCRATCH_DB)))
    scratch = psycopg.conninfo.make_conninfo(url, dbname=SCRATCH_DB)
    Deployer(scratch, project_dir(args.project_dir), log=lambda m: None).deploy()
    return scratch


def _clustered(rng, n: int, dims: int, centres):
    import numpy as np

    idx = rng.integers(0, centres.shape[0], size=n)
    out = centres[idx] + rng.standard_normal((n, dims), dtype=np.float32) * 0.9
    return out.astype(np.float32)


def _dataset(conn, dims: int, n: int, nq: int, seed: int, random_only: bool = False):
    """(vectors, wards, texts, queries, query_wards) for one model."""
    import numpy as np

    wards = [r[0] for r in conn.execute("select ward_name from core.ward order by ward_no nulls last, ward_name")]
    if dims == 384 and not random_only:
        from ..synthetic.texts import embed_texts, generate_texts

        docs = generate_texts(n, seed=seed, wards=wards)
        qs = generate_texts(nq, seed=seed + 1000, wards=wards)
        status(f"embedding {n} texts (cached under /tmp after the first run)")
        vecs = embed_texts([t for _, _, t in docs], cache_key="minilm")
        qvecs = embed_texts([t for _, _, t in qs], cache_key="minilm")
        return vecs, [w for w, _, _ in docs], [t for _, _, t in docs], qvecs, [w for w, _, _ in qs]
    rng = np.random.default_rng(seed + dims)
    centres = rng.standard_normal((max(n // 100, 1), dims), dtype=np.float32)
    vecs = _clustered(rng, n, dims, centres)
    qvecs = _clustered(rng, nq, dims, centres)
    dw = [wards[i] for i in rng.integers(0, len(wards), size=n)]
    qw = [wards[i] for i in rng.integers(0, len(wards), size=nq)]
    return vecs, dw, [f"random {dims}-d vector {i}" for i in range(n)], qvecs, qw


def _load(conn, model: str, dims: int, vecs, wards, texts, seed: int) -> tuple[float, Any]:
    """COPY the rows (2 % already expired); returns (seconds, expired mask)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    expired = rng.random(len(texts)) < 0.02
    now = conn.execute("select now()").fetchone()[0]
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        with cur.copy(
            "copy ai.embedding_store (content_chunk, source_type, source_title, ward_context, "
            "published_at, fetched_at, expires_at, embedding, embedding_model, embedding_dimensions) "
            "from stdin (format binary)"
        ) as cp:
            cp.set_types(
                [
                    "text",
                    "text",
                    "text",
                    "text",
                    "timestamptz",
                    "timestamptz",
                    "timestamptz",
                    "bytea",
                    "text",
                    "int4",
                ]
            )
            for i in range(len(texts)):
                exp = now - dt.timedelta(days=1) if expired[i] else None
                cp.write_row(
                    (
                        texts[i],
                        "news",
                        f"item {i}",
                        wards[i],
                        now - dt.timedelta(hours=int(i % 2000)),
                        now - dt.timedelta(days=30),
                        exp,
                        _vector_binary(vecs[i]),
                        model,
                        dims,
                    )
                )
                if i % 5000 == 0:
                    status(f"loading {model}: {i}/{len(texts)}")
    conn.commit()
    return time.perf_counter() - t0, expired


def _exact(vecs, qvecs, eligible, k: int):
    import numpy as np

    norm = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    qn = qvecs / np.linalg.norm(qvecs, axis=1, keepdims=True)
    out = []
    for qi in range(qn.shape[0]):
        sims = norm @ qn[qi]
        mask = eligible[qi] if eligible.ndim == 2 else eligible
        sims = np.where(mask, sims, -np.inf)
        top = np.argpartition(-sims, k)[:k]
        out.append({int(i) for i in top if np.isfinite(sims[i])})  # fewer than k when few rows qualify
    return out


def _access_path(conn, model: str, qtext: str, ward) -> str:
    """How the planner reaches the rows for this query: the index it scans, or seq scan."""
    query = conn.execute("select ai.similar_content_sql(%s)", [model]).fetchone()[0]
    conn.execute("prepare bench_q (extensions.vector, text, integer, double precision, timestamptz) as " + query)
    try:
        plan = conn.execute(
            sql.SQL("explain (format json) execute bench_q({}, {}, 10, -1, now())").format(
                sql.Literal(qtext), sql.Literal(ward)
            )
        ).fetchone()[0]
    finally:
        conn.execute("deallocate bench_q")
    found: list[str] = []

    def walk(node) -> None:
        if node.get("Index Name"):
            found.append(node["Index Name"].replace("ix_embedding_store__", ""))
        elif node.get("Node Type") == "Seq Scan":
            found.append("seq scan")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return ", ".join(found) or "?"


def _measure(conn, model: str, qtexts, ward_args, truth, ids, k: int, runs: int):
    lat_runs, recall = [], None
    expected = sum(len(t) for t in truth) or 1
    q = "select content_id from ai.find_similar_content(%s::extensions.vector, %s, %s, -1, %s)"
    for _ in range(min(len(qtexts), 20)):  # warm the caches
        conn.execute(q, [qtexts[_], ward_args[_], k, model]).fetchall()
    for run in range(runs):
        lats, hits = [], 0
        for qi, qv in enumerate(qtexts):
            t0 = time.perf_counter()
            rows = conn.execute(q, [qv, ward_args[qi], k, model]).fetchall()
            lats.append((time.perf_counter() - t0) * 1000)
            got = {ids[r[0]] for r in rows}
            hits += len(got & truth[qi])
        lat_runs.append(lats)
        recall = hits / expected
        status(f"{model}: run {run + 1}/{runs}")
    p50 = statistics.median(statistics.median(lats) for lats in lat_runs)
    p95 = statistics.median(statistics.quantiles(lats, n=20)[18] for lats in lat_runs)
    return recall, p50, p95


def run(args) -> int:
    """Measure recall and latency of vector search; write the vector section of BENCHMARKS.md."""
    try:
        import numpy as np
    except ImportError:
        raise UserError("the vector benchmark needs numpy (pip install 'lokdarpan-db[bench]')") from None
    dims_list = [int(d) for d in str(args.dims).split(",") if d.strip()]
    for d in dims_list:
        if d not in MODELS:
            raise UserError(f"--dims: {d} is not a registered model dimension ({', '.join(map(str, MODELS))})")
    if args.n < args.k * 10 or args.queries < 1:
        raise UserError("--n must be at least 10 * k and --queries at least 1")
    scratch = _scratch(args)
    rows = []
    try:
        with connect(scratch) as conn:
            conn.execute(sql.SQL("set maintenance_work_mem = {}").format(sql.Literal(args.maintenance_work_mem)))
            conn.execute("set max_parallel_maintenance_workers = 1")
            conn.commit()
            for dims in dims_list:
                model = MODELS[dims]
                if args.ef_search:
                    conn.execute(
                        "update ai.embedding_model set ef_search = %s where model_name = %s",
                        [args.ef_search, model],
                    )
                ef = conn.execute("select ef_search from ai.embedding_model where model_name = %s", [model]).fetchone()[
                    0
                ]
                vecs, wards, texts, qvecs, qwards = _dataset(conn, dims, args.n, args.queries, args.seed, args.random)
                index = conn.execute("select ai.embedding_index_name(%s)", [model]).fetchone()[0]
                ddl = conn.execute(
                    "select ai.embedding_index_ddl(%s, %s, %s)", [model, args.m, args.ef_construction]
                ).fetchone()[0]
                conn.execute(sql.SQL("drop index ai.{}").format(sql.Identifier(index)))
                conn.commit()
                load_s, expired = _load(conn, model, dims, vecs, wards, texts, args.seed)
                base_id = conn.execute(
                    "select min(embedding_id) from ai.embedding_store where embedding_model = %s", [model]
                ).fetchone()[0]
                ids = {base_id + i: i for i in range(len(texts))}
                status(f"building the HNSW index of {model}")
                conn.commit()
                conn.autocommit = True
                t0 = time.perf_counter()
                conn.execute(ddl.replace(" concurrently", "", 1))
                build_s = time.perf_counter() - t0
                conn.execute("analyze ai.embedding_store")
                conn.autocommit = False
                size = conn.execute("select pg_relation_size(to_regclass(%s))", [f"ai.{index}"]).fetchone()[0]
                alive = ~expired
                truth_all = _exact(vecs, qvecs, alive, args.k)
                warr = np.array(wards)
                ward_mask = np.stack([(warr == w) & alive for w in qwards])
                truth_ward = _exact(vecs, qvecs, ward_mask, args.k)
                qtexts = [_vector_text(q) for q in qvecs]
                paths = (
                    _access_path(conn, model, qtexts[0], None),
                    _access_path(conn, model, qtexts[0], qwards[0]),
                )
                res_all = _measure(conn, model, qtexts, [None] * len(qtexts), truth_all, ids, args.k, args.runs)
                res_ward = _measure(conn, model, qtexts, qwards, truth_ward, ids, args.k, args.runs)
                conn.rollback()
                data = "random mixture" if (dims != 384 or args.random) else "real text"
                rows.append((dims, data, model, ef, load_s, build_s, size, res_all, res_ward, paths))
                del vecs
                _report(args, rows)
    finally:
        if not args.keep:
            url = resolve_url(args.db)
            with connect(url, autocommit=True) as conn:
                conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(SCRATCH_DB)))
    md = _report(args, rows)
    if not args.quiet or args.no_report:
        print(md)
    return 0


def _previous_rows(path: Path, run: set[tuple[int, str]]) -> tuple[list[str], list[str]]:
    """Table rows and access-path lines of the current section for (dims, data) not run now."""
    if not path.exists():
        return [], []
    text = path.read_text(encoding="utf-8")
    begin, end = "<!-- bench:vector -->", "<!-- /bench:vector -->"
    if begin not in text:
        return [], []
    section = text.split(begin, 1)[1].split(end, 1)[0]
    table, paths = [], []
    for line in section.splitlines():
        m = re.match(r"^\| (\d+) \| ([^|]+?) \| ", line)
        if m and (int(m.group(1)), m.group(2)) not in run:
            table.append(line)
        m = re.match(r"^- (\d+) dims, ([^:]+): ", line)
        if m and (int(m.group(1)), m.group(2)) not in run:
            paths.append(line)
    return table, paths


def _report(args, rows) -> str:
    path = project_dir(args.project_dir) / "BENCHMARKS.md"
    keep = _previous_rows(path, {(r[0], r[1]) for r in rows}) if not args.no_report else ([], [])
    md = _markdown(args, rows, keep)
    if not args.no_report:
        report.write_section(path, "vector", md)
    return md


def _markdown(args, rows, keep=([], [])) -> str:
    lines = [
        "## vector — `lokdarpan-db bench vector`",
        "",
        f"Machine: {report.machine_description()}. ",
        f"n embeddings per model (a row per model, each from its own run), {args.queries} queries, "
        f"k = {args.k}, HNSW m = {args.m}, "
        f"ef_construction = {args.ef_construction}; recall@{args.k} against exact numpy search over the "
        f"same non-expired rows (2 % of rows are expired); latency = client round trip of "
        f"`ai.find_similar_content` (median of {args.runs} runs of p50/p95). Data `real text`: "
        "all-MiniLM-L6-v2 embeddings of generated ward political text (queries: other generated "
        "texts); `random mixture`: random Gaussian-mixture vectors (n/100 random centres + noise; "
        "queries drawn the same way). 3,072 dims are indexed as halfvec(3072). Ward filter: the "
        "query's ward (~0.7 % of rows), iterative scan `relaxed_order`.",
        "",
        "| dims | data | model | n | index | ef_search | load s | build s | index MB | recall@k "
        "| p50 ms | p95 ms | ward recall@k | ward p50 ms | ward p95 ms | target |",
        "|---:|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines.extend(keep[0])
    paths = list(keep[1])
    for dims, data, model, ef, load_s, build_s, size, (r, p50, p95), (wr, wp50, wp95), path in rows:
        paths.append(f"- {dims} dims, {data}: plan without ward filter: `{path[0]}`; with ward filter: `{path[1]}`.")
        kind = "hnsw halfvec" if dims > 2000 else "hnsw vector"
        target = TARGETS.get(dims)
        verdict = "—"
        if target:
            ok = r >= target[0] and p95 <= target[1] and wr >= target[0] and wp95 <= target[1]
            verdict = f"{'met' if ok else 'MISSED'} (recall ≥ {target[0]}, p95 ≤ {target[1]:g} ms)"
        lines.append(
            f"| {dims} | {data} | {model} | {args.n:,} | {kind} | {ef} | {load_s:.1f} | {build_s:.1f} "
            f"| {size / 2**20:.0f} "
            f"| {r:.3f} | {p50:.2f} | {p95:.2f} | {wr:.3f} | {wp50:.2f} | {wp95:.2f} | {verdict} |"
        )
    return "\n".join(lines + ["", "Access paths chosen by the planner (EXPLAIN of the function's query):", ""] + paths)
