"""Adoption backfill: rows/s of adopt start on a legacy post table vs ingest of the same rows.

For each size (default 1,000,000) the demo generator's JSON Lines file (shared with bench ingest,
cached under /tmp) is loaded into the legacy application's tables (public.author, public.post
with serial ids; created_at timestamptz, a variant the application's migration chain builds) in
a fresh copy of the deployed database; then ``adopt start`` backfills it (capture on, batches of
--batch-size) and ``adopt verify`` checks it, both timed. The same file is ingested into another
fresh copy by bench ingest's child process for the comparison. No application traffic is sent
during this benchmark yet (the live-traffic harness is not in this tree).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..adopt import run as adopt_run
from ..console import logger
from ..ingest.read import read_batches
from ..postgres.connect import connect
from ..project import project_dir
from .common import admin_url, drop_db, fresh_db, server_version, ward_names
from .ingest import START, data_file, run_once
from .report import machine_description, write_section

LEGACY = """
create table public.author (id serial primary key, name varchar(120) not null unique, party varchar(64));
create table public.post (id serial primary key, text text not null, author_id integer references public.author (id),
                          city varchar(120), emotion varchar(64), party varchar(64), created_at timestamptz not null,
                          epaper_id integer);
create index ix_post_created_at on public.post (created_at);
"""


def load_legacy(url: str, path: Path, log) -> int:
    """The file's posts as legacy rows (authors first); returns the number of posts."""
    n = 0
    with connect(url) as conn:
        conn.execute(LEGACY)
        conn.execute(
            "create temp table stage (text text, author text, city text, emotion text, party text,"
            " created_at timestamptz)"
        )
        with conn.cursor() as cur, cur.copy("copy stage from stdin") as copy:
            for batch in read_batches(path, "posts", 50_000):
                for _, text, author, city, emotion, party, ts, _epaper, _fp in batch.rows:
                    copy.write_row((text, author.strip() if author else None, city, emotion, party, ts))
                    n += 1
        conn.execute(
            "insert into public.author (name) select distinct author from stage where author is not null order by 1"
        )
        conn.execute(
            "insert into public.post (text, author_id, city, emotion, party, created_at)"
            " select s.text, a.id, s.city, s.emotion, s.party, s.created_at from stage s"
            " left join public.author a on a.name = s.author"
        )
        conn.commit()
        conn.execute("analyze public.post")
    log(f"loaded {n:,} legacy posts")
    return n


def add_arguments(p) -> None:
    """Add the options of ``bench adopt``."""
    p.add_argument("--posts", default="1000000", help="comma-separated post counts (default 1,000,000)")
    p.add_argument("--runs", type=int, default=1, help="runs per size (median reported)")
    p.add_argument("--batch-size", type=int, default=5000, help="adopt start --batch-size")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="ingest workers for the comparison")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", default=None, help="BENCHMARKS.md path (default: the project's)")


def run(args) -> int:
    """Backfill N legacy posts with `adopt start` and compare with ingest of the same rows."""
    log = logger(args.quiet)
    admin = admin_url(args)
    root = project_dir(args.project_dir)
    wards = ward_names(admin, root, log)
    lines = [
        f"Machine: {machine_description()}; PostgreSQL {server_version(admin)}; adopt batch size "
        f"{args.batch_size}, ingest {args.workers} workers; median of {args.runs} run(s); "
        f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        "| posts | backfill s | backfill rows/s | adopted | quarantined | verify s | ingest s | ingest rows/s "
        "| backfill speed vs ingest |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in [int(s) for s in args.posts.split(",") if s.strip()]:
        path = data_file(wards, n, args.seed, log)
        backfills, verifies, ingests, counts = [], [], [], (0, 0)
        for i in range(args.runs):
            name, url = fresh_db(admin)
            try:
                rows = load_legacy(url, path, log)
                t = time.perf_counter()
                result = adopt_run.start(url, "public", "UTC", project_dir=root, batch_size=args.batch_size, log=log)
                backfills.append(time.perf_counter() - t)
                post = next(r for r in result if r.table == "post")
                counts = (post.adopted, post.quarantined)
                t = time.perf_counter()
                res = adopt_run.verify(url)
                verifies.append(time.perf_counter() - t)
                if not res.ok:
                    raise RuntimeError(f"adopt verify found {len(res.differences)} difference(s)")
            finally:
                drop_db(admin, name)
            name, url = fresh_db(admin)
            try:
                ingests.append(run_once(url, path, args.workers, 20_000, START + timedelta(days=40))["seconds"])
            finally:
                drop_db(admin, name)
            log(
                f"{n:,} posts run {i + 1}: backfill {backfills[-1]:.1f} s, verify {verifies[-1]:.1f} s, "
                f"ingest {ingests[-1]:.1f} s"
            )
        b, v, g = (statistics.median(x) for x in (backfills, verifies, ingests))
        lines.append(
            f"| {rows:,} | {b:.1f} | {rows / b:,.0f} | {counts[0]:,} | {counts[1]:,} | {v:.1f} | {g:.1f} | "
            f"{n / g:,.0f} | {g / b:.2f}x |"
        )
    lines += [
        "",
        "Backfill = `adopt start` on a database already deployed (capture install, backfill in key order, "
        "drain). Quarantined = rows the rules refuse (no ward, unknown ward, ...), kept in adopt.quarantine. "
        "Targets on 2 cores: backfill at least as fast as ingest (1M <= 3 min); verify of 1M <= 60 s. "
        "Not measured yet: application latency during the backfill, cutover and rollback waits (not built), 10M.",
    ]
    out = Path(args.out) if args.out else root / "BENCHMARKS.md"
    write_section(out, "adopt", "## Adoption (`lokdarpan-db bench adopt`)\n\n" + "\n".join(lines))
    print("\n".join(lines))
    return 0
