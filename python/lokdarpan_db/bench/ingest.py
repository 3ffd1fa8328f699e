"""Ingest throughput: rows/s, wall time, peak RSS and time per phase, against a naive baseline.

For each size (default: 1,000, one day of 145,000 posts, and 1,000,000) the deterministic demo
generator writes a JSON Lines file once (cached under /tmp), then each run ingests it into a fresh
copy of a deployed database (full-text vectors, indexes, dedupe, rollups all on) in a separate
process, so its peak RSS is its own. The baseline inserts the same posts with psycopg
``executemany`` of single-row INSERTs (author upsert, fingerprint, post) into the same tables;
it is timed on the first --baseline-rows posts and compared by rows/s.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from ..console import logger
from ..ingest.read import read_batches
from ..project import project_dir
from ..synthetic.demo import write_posts
from .common import admin_url, drop_db, fresh_db, server_version, ward_names
from .report import machine_description, write_section

START = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
CHILD = r"""
import json, resource, sys, time
from lokdarpan_db.ingest.load import ingest_files
from datetime import datetime
url, path, workers, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t = time.perf_counter()
r = ingest_files(url, [path], workers=workers, batch_size=batch, progress=False,
                 now=datetime.fromisoformat(sys.argv[5]))
print(json.dumps({"seconds": time.perf_counter() - t, "lines": r.lines, "inserted": r.inserted,
                  "rejected": r.rejected, "phases": dict(r.phase_ms),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def data_file(wards: list[str], n: int, seed: int, log) -> Path:
    """A JSON Lines file of ``n`` demo posts (generated once, cached under /tmp)."""
    path = Path(f"/tmp/lokdarpan-bench-posts-{n}-{seed}.jsonl")
    if not path.exists():
        log(f"generating {n:,} posts -> {path}")
        tmp = path.with_suffix(".part")
        days = max(1, n // 145_000)
        write_posts(tmp, n, wards, start=START, days=days, seed=seed, malformed=0.0)
        tmp.rename(path)
    return path


def run_once(url: str, path: Path, workers: int, batch: int, now: datetime) -> dict:
    """Ingest ``path`` in a child process; its timings, counts and peak memory."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(path), str(workers), str(batch), now.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        timeout=7200,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "ingest failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def naive_baseline(url: str, path: Path, rows: int) -> float:
    """rows/s of single-row INSERTs through executemany, same tables, same work per row."""
    data = []
    for batch in read_batches(path, "posts", rows):
        data = batch.rows[:rows]
        break
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        wards = {w.lower(): w for (w,) in conn.execute("select ward_name from core.ward")}
        t = time.perf_counter()
        authors = [(r[2].strip(),) for r in data if r[2]]
        cur.executemany("insert into core.author (name) values (%s) on conflict (name) do nothing", authors)
        posts = []
        for _, text, author, city, emotion, party, ts, _epaper, fp in data:
            ward = wards.get(" ".join((city or "").split()).lower())
            posts.append(
                (fp, ts, ts, ward, author.strip() if author else None, text, emotion, emotion, party, party, fp)
            )
        cur.executemany(
            "with f as (insert into core.post_fingerprint (fingerprint, post_id, created_at)"
            " values (%s, nextval('core.post_post_id_seq'), %s) on conflict do nothing returning post_id)"
            " insert into core.post (post_id, created_at, city, author_id, text, emotion, emotion_raw, party,"
            " party_raw, fingerprint)"
            " select f.post_id, %s, %s, (select author_id from core.author where name = %s), %s,"
            " coalesce(core.normalize_emotion(%s), 'unknown'), %s, core.normalize_party(%s), %s, %s from f",
            posts,
        )
        conn.commit()
        return len(data) / (time.perf_counter() - t)


def add_arguments(p) -> None:
    """Add this benchmark's options."""
    p.add_argument("--sizes", default="1000,145000,1000000", help="comma-separated post counts")
    p.add_argument("--runs", type=int, default=3, help="runs per size (median reported)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    p.add_argument("--batch-size", type=int, default=20_000)
    p.add_argument("--baseline-rows", type=int, default=5_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", default=None, help="BENCHMARKS.md path (default: the project's)")


def run(args) -> int:
    """Time ingestion of a day and of larger files against a naive baseline; write the ingest section of BENCHMARKS.md."""
    log = logger(args.quiet)
    admin = admin_url(args)
    root = project_dir(args.project_dir)
    wards = ward_names(admin, root, log)
    now = START + timedelta(days=40)
    lines = [
        f"Machine: {machine_description()}; PostgreSQL {server_version(admin)}; "
        f"{args.workers} workers, batch size {args.batch_size}; median of {args.runs} runs; "
        f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        "| posts | wall s (median) | rows/s | peak RSS MB | parse s | copy s | merge s | runs (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    medians = {}
    baseline_path = None
    for n in sizes:
        path = data_file(wards, n, args.seed, log)
        baseline_path = baseline_path or (path if n >= args.baseline_rows else None)
        results = []
        for i in range(args.runs):
            name, url = fresh_db(admin)
            try:
                r = run_once(url, path, args.workers, args.batch_size, now)
            finally:
                drop_db(admin, name)
            log(f"{n:,} posts run {i + 1}: {r['seconds']:.2f} s, {r['inserted']:,} inserted, RSS {r['rss_mb']:.0f} MB")
            results.append(r)
        wall = statistics.median(r["seconds"] for r in results)
        medians[n] = wall
        mid = sorted(results, key=lambda r: r["seconds"])[len(results) // 2]
        ph = mid["phases"]
        runs = ", ".join(f"{r['seconds']:.2f}" for r in results)
        lines.append(
            f"| {n:,} | {wall:.2f} | {n / wall:,.0f} | {max(r['rss_mb'] for r in results):.0f} | "
            f"{ph.get('parse', 0) / 1000:.2f} | {ph.get('copy', 0) / 1000:.2f} | "
            f"{ph.get('merge', 0) / 1000:.2f} | {runs} |"
        )
    if baseline_path is not None:
        name, url = fresh_db(admin)
        try:
            base = naive_baseline(url, baseline_path, args.baseline_rows)
        finally:
            drop_db(admin, name)
        best = max(medians, key=lambda k: k / medians[k])
        ratio = (best / medians[best]) / base
        lines += [
            "",
            f"Naive baseline (psycopg executemany of single-row INSERTs, same tables and work, first "
            f"{args.baseline_rows:,} posts): {base:,.0f} rows/s. Set-based ingest at {best:,} posts: "
            f"{best / medians[best]:,.0f} rows/s = **{ratio:.1f}x** the baseline.",
        ]
        log(f"baseline {base:,.0f} rows/s; ratio {ratio:.1f}x")
    lines += [
        "",
        "Phases are summed over workers (they overlap in wall time). Targets on 2 cores: 145,000 "
        "posts <= 8 s, 1,000 posts <= 0.3 s, >= 50x the naive baseline.",
    ]
    out = Path(args.out) if args.out else root / "BENCHMARKS.md"
    write_section(out, "ingest", "## Ingest (`lokdarpan-db bench ingest`)\n\n" + "\n".join(lines))
    print("\n".join(lines))
    return 0
