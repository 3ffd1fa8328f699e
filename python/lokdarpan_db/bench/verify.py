"""Verify scripts at scale: how long every deployed change's verify takes on a loaded database.

The rule (README, "Verify scripts check shape"): a verify checks objects, columns and a function
answering on a tiny input, never scans a table, so it costs the same on an empty database and on
10,000,000 posts; target <= 50 ms each. This measures it on any database (``--db``, or a database
kept by ``bench query --keep`` via ``--database``): each verify ``--runs`` times, in the engine's
own way (one rolled-back transaction each), after one unmeasured pass, taking turns with the
same verifies on an empty database deployed to the same change (the floor measured in the same
run: a shape check costs the same on both, a scan does not).
"""

from __future__ import annotations

import os
import statistics
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

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


def measure(engines: list[Deployer], runs: int) -> list[dict[str, list[float]]]:
    """Milliseconds of each deployed change's verify on each engine's database, ``runs`` times
    after one unmeasured pass, the databases taking turns (so they share the machine's noise);
    raises RuntimeError naming the changes whose verify fails."""
    for engine in engines:
        failed = [f"{c.change_id}: {err}" for c, err in engine.verify() if err]
        if failed:
            raise RuntimeError("verify failed before measuring: " + "; ".join(failed))
    out: list[dict[str, list[float]]] = [{} for _ in engines]
    for _ in range(runs):
        for engine, times in zip(engines, out, strict=True):
            engine.verify()
            for cid, seconds in engine.verify_seconds.items():
                times.setdefault(cid, []).append(seconds * 1000)
    return out


@contextmanager
def empty_twin(url: str, root: Path, log) -> Iterator[str]:
    """A scratch database on the server of ``url`` with the same changes deployed and no data
    (the floor: a verify that checks shape costs the same there); dropped afterwards."""
    with psycopg.connect(url) as conn:
        last = Deployer(url, root).deployed_ids(conn)[-1]
    name = f"ld_verify_floor_{uuid.uuid4().hex[:8]}"
    admin = db_url(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        twin = db_url(url, name)
        log(f"deploying the same changes (up to {last}) into the empty database {name}")
        Deployer(twin, root).deploy(last)
        yield twin
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def _size(url: str) -> tuple[int, int]:
    """(posts by the planner's estimate, database bytes)."""
    with psycopg.connect(url) as conn:
        posts = conn.execute(
            "select coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint from pg_partition_tree('core.post') t"
            " join pg_class c on c.oid = t.relid where t.isleaf"
        ).fetchone()[0]
        size = conn.execute("select pg_database_size(current_database())").fetchone()[0]
    return int(posts), int(size)


def report(
    times: dict[str, list[float]], floor: dict[str, list[float]], posts: int, size: int, runs: int, top: int
) -> str:
    """The Markdown section for the verify timings ``times`` on the loaded database and ``floor``
    on its empty twin (ms per run per change)."""
    med = {cid: statistics.median(v) for cid, v in times.items()}
    worst = {cid: max(v) for cid, v in times.items()}
    empty = {cid: statistics.median(v) for cid, v in floor.items()}
    over = [cid for cid, m in med.items() if m > TARGET_MS]
    ratio = {cid: med[cid] / empty[cid] for cid in med if empty.get(cid)}
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"Machine: {machine_description()}; load average {load} at the end.",
        f"Database: ~{posts:,} posts (planner estimate), {size / 2**30:.2f} GB; {len(times)} deployed "
        f"changes, each verify {runs} times after one unmeasured pass, in a rolled-back transaction "
        "(the engine's way), taking turns with the same verify on an empty database deployed to the "
        "same change on the same server (the floor).",
        "",
        f"Loaded: median of the per-change medians {statistics.median(med.values()):.2f} ms, slowest "
        f"median {max(med.values()):.2f} ms, slowest single run {max(worst.values()):.2f} ms, sum of "
        f"medians {sum(med.values()):.0f} ms (empty: {sum(empty.values()):.0f} ms); loaded / empty per "
        f"change: median {statistics.median(ratio.values()):.2f}x, largest {max(ratio.values()):.2f}x "
        f"({max(ratio, key=lambda c: ratio[c])}). Over {TARGET_MS:.0f} ms: "
        + (", ".join(f"{c} ({med[c]:.0f} ms; empty {empty.get(c, 0):.0f} ms)" for c in over) if over else "**none**")
        + ".",
        "",
        "| change | loaded median ms | loaded max ms | empty median ms | loaded / empty |",
        "|---|---:|---:|---:|---:|",
    ]
    for cid in sorted(med, key=lambda c: -med[c])[:top]:
        lines.append(
            f"| {cid} | {med[cid]:.2f} | {worst[cid]:.2f} | {empty.get(cid, 0):.2f} | {ratio.get(cid, 0):.2f} |"
        )
    return "\n".join(lines)


def run(args) -> int:
    """Time every deployed change's verify and write the section of BENCHMARKS.md."""
    root = project_dir(args.project_dir)
    log = logger(args)
    url = resolve_url(args.db, log=log)
    if args.database:
        url = db_url(url, args.database)
    posts, size = _size(url)
    log(f"timing the verify of every deployed change, {args.runs} runs, on ~{posts:,} posts")
    with empty_twin(url, root, log) as twin:
        times, floor = measure([Deployer(url, root), Deployer(twin, root)], args.runs)
    md = report(times, floor, posts, size, args.runs, args.top)
    print(md)
    if not args.no_report:
        # the dataset's size class, as the other sections name it (planner estimates drift by a few %)
        band = str(round(posts, -6)) if posts >= 1_000_000 else "small"
        write_section(
            Path(root) / "BENCHMARKS.md",
            f"verify-{band}",
            f"## Verify scripts at ~{round(posts, -6):,} posts (`lokdarpan-db bench verify`)\n\n" + md,
        )
    return 0
