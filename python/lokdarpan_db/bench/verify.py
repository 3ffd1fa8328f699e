"""Verify scripts at scale: how long every deployed change's verify takes on a loaded database.

The rule (README, "Verify scripts check shape"): a verify checks objects, columns and a function
answering on a tiny input, never scans a table, so it costs the same on an empty database and on
10,000,000 posts; target <= 50 ms each. This measures it on any database (``--db``, or a database
kept by ``bench query --keep`` via ``--database``): each verify ``--runs`` times, in the engine's
own way (one rolled-back transaction each), after one unmeasured pass.
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import psycopg

from ..console import logger
from ..migrations.engine import Deployer
from ..postgres.connect import resolve_url
from ..project import project_dir
from .common import db_url
from .report import machine_description, write_section

TARGET_MS = 50.0


def add_arguments(p) -> None:
    """The options of ``lokdarpan-db bench verify``."""
    p.add_argument("--database", default=None, help="a database on the --db server (e.g. one kept by bench query)")
    p.add_argument("--runs", type=int, default=5, help="measured runs of every verify")
    p.add_argument("--top", type=int, default=12, help="slowest changes listed")
    p.add_argument("--no-report", action="store_true", help="print, do not write BENCHMARKS.md")


def measure(engine: Deployer, runs: int) -> dict[str, list[float]]:
    """Milliseconds of each deployed change's verify, ``runs`` times after one unmeasured pass;
    raises RuntimeError naming the changes whose verify fails."""
    failed = [f"{c.change_id}: {err}" for c, err in engine.verify() if err]
    if failed:
        raise RuntimeError("verify failed before measuring: " + "; ".join(failed))
    out: dict[str, list[float]] = {}
    for _ in range(runs):
        engine.verify()
        for cid, seconds in engine.verify_seconds.items():
            out.setdefault(cid, []).append(seconds * 1000)
    return out


def _size(url: str) -> tuple[int, int]:
    """(posts by the planner's estimate, database bytes)."""
    with psycopg.connect(url) as conn:
        posts = conn.execute(
            "select coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint from pg_partition_tree('core.post') t"
            " join pg_class c on c.oid = t.relid"
        ).fetchone()[0]
        size = conn.execute("select pg_database_size(current_database())").fetchone()[0]
    return int(posts), int(size)


def report(times: dict[str, list[float]], posts: int, size: int, runs: int, top: int) -> str:
    """The Markdown section for the verify timings ``times`` (ms per run per change)."""
    med = {cid: statistics.median(v) for cid, v in times.items()}
    worst = {cid: max(v) for cid, v in times.items()}
    over = [cid for cid, m in med.items() if m > TARGET_MS]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"Machine: {machine_description()}; load average {load}.",
        f"Database: ~{posts:,} posts (planner estimate), {size / 2**30:.2f} GB; {len(times)} deployed "
        f"changes, each verify {runs} times after one unmeasured pass, in a rolled-back transaction "
        "(the engine's way).",
        "",
        f"All verifies: median of the per-change medians {statistics.median(med.values()):.2f} ms, "
        f"slowest median {max(med.values()):.2f} ms, slowest single run {max(worst.values()):.2f} ms, "
        f"sum of medians {sum(med.values()):.0f} ms; over {TARGET_MS:.0f} ms: "
        + (", ".join(over) if over else "**none** (target met)")
        + ".",
        "",
        "| change | median ms | max ms |",
        "|---|---:|---:|",
    ]
    for cid in sorted(med, key=lambda c: -med[c])[:top]:
        lines.append(f"| {cid} | {med[cid]:.2f} | {worst[cid]:.2f} |")
    return "\n".join(lines)


def run(args) -> int:
    """Time every deployed change's verify and write the section of BENCHMARKS.md."""
    root = project_dir(args.project_dir)
    log = logger(args)
    url = resolve_url(args.db, log=log)
    if args.database:
        url = db_url(url, args.database)
    engine = Deployer(url, root)
    posts, size = _size(url)
    log(f"timing the verify of every deployed change, {args.runs} runs, on ~{posts:,} posts")
    times = measure(engine, args.runs)
    md = report(times, posts, size, args.runs, args.top)
    print(md)
    if not args.no_report:
        band = f"{round(posts, -5):,}".replace(",", "") if posts >= 100_000 else "small"
        write_section(
            Path(root) / "BENCHMARKS.md", f"verify-{band}", "## Verify scripts (`lokdarpan-db bench verify`)\n\n" + md
        )
    return 0
