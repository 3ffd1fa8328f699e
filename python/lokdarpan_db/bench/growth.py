"""The cost-growth measurements of ``bench query`` beyond the ward functions (issue #21): one
day's ``core.daily_partition_maintenance``, rewriting one closed month in ward order, ingest of
one more day of 145,000 posts into the measured database against the same day into an empty
copy of the template (the floor, measured in the same run), the database size; and the
cost-growth table of BENCHMARKS.md built from every ``query-<posts>`` section that carries them.

Each ``query-<posts>`` section keeps its numbers as one JSON comment (``<!-- growth-data {...}
-->``), so the table compares runs at different sizes made on different days without a results
file beside BENCHMARKS.md; it names each run's machine, load average and date.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import psycopg

from ..ingest.load import ingest_files
from ..synthetic.demo import load_wards, write_posts
from .common import drop_db, fresh_db
from .report import write_section

DAY_POSTS = 145_000
DATA = re.compile(r"<!-- growth-data (\{.*?\}) -->")
TARGETS = (
    "Targets (issue #21): each ward function's p95 at 53M <= 1.3x its p95 at 1M; ward-filtered search over all "
    "time p95 <= 50 ms at 53M; ingest of a day into the 53M database within 1.3x of the same day into an empty one."
)


def load_average() -> str:
    """The 1/5/15-minute load averages, for the report."""
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def maintenance_and_order(url: str, now: datetime, log) -> dict:
    """Seconds of one ``core.daily_partition_maintenance(now)`` call and of rewriting the newest
    closed month (``core.order_partition``), with that month's rows."""
    out: dict = {}
    with psycopg.connect(url, autocommit=True) as conn:
        t = time.perf_counter()
        conn.execute("select * from core.daily_partition_maintenance(%s)", [now]).fetchall()
        out["maintenance_s"] = time.perf_counter() - t
        log(f"  daily_partition_maintenance: {out['maintenance_s']:.2f} s")
        month = conn.execute(
            "select p.partition_schema, p.partition_name from core.partitions_of('core.post'::regclass) p"
            " where not p.is_default and p.range_to::timestamptz <= %s - interval '1 day'"
            " order by p.range_from::timestamptz desc limit 1",
            [now],
        ).fetchone()
        if month:
            t = time.perf_counter()
            r = conn.execute(
                "select row_count from core.order_partition(format('%%I.%%I', %s::text, %s::text)::regclass)", month
            )
            out["order_rows"] = r.fetchone()[0]
            out["order_s"] = time.perf_counter() - t
            out["order_month"] = month[1]
            log(f"  ordering {month[1]} ({out['order_rows']:,} rows): {out['order_s']:.1f} s")
    return out


def ingest_day(url: str, admin: str, now: datetime, log, posts: int = DAY_POSTS) -> dict:
    """Seconds to ingest one day of ``posts`` demo posts (the day before ``now``) into an empty copy
    of the template, then into the database at ``url`` (which keeps them)."""
    with psycopg.connect(url) as conn:
        wards = load_wards(conn)
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="ld-growth-") as tmp:
        path = write_posts(
            Path(tmp) / "day.jsonl", DAY_POSTS, wards, start=now - timedelta(days=1, minutes=5), seed=2121
        )
        name, empty = fresh_db(admin)
        try:
            t = time.perf_counter()
            ingest_files(empty, [path], workers=2, now=now, progress=False)
            out["ingest_empty_s"] = time.perf_counter() - t
        finally:
            drop_db(admin, name)
        out["day_posts"] = posts
        log(f"  ingest of {posts:,} posts into an empty database: {out['ingest_empty_s']:.1f} s")
        t = time.perf_counter()
        r = ingest_files(url, [path], workers=2, now=now, progress=False)
        out["ingest_s"] = time.perf_counter() - t
        out["ingest_inserted"] = r.inserted
        log(f"  ingest of the same day into this database: {out['ingest_s']:.1f} s ({r.inserted:,} inserted)")
    return out


def database_size(url: str) -> int:
    """Bytes of the database at ``url``."""
    with psycopg.connect(url) as conn:
        return conn.execute("select pg_database_size(current_database())").fetchone()[0]


def data_comment(data: dict) -> str:
    """The JSON comment a query section carries its numbers in."""
    return f"<!-- growth-data {json.dumps(data, sort_keys=True)} -->"


def _fmt(v: float | None, unit: str = "") -> str:
    return "—" if v is None else f"{v:.2f}{unit}"


def growth_table(text: str) -> str | None:
    """The cost-growth section from every query section's data in BENCHMARKS.md text (None with
    fewer than one)."""
    runs = sorted((json.loads(m.group(1)) for m in DATA.finditer(text)), key=lambda d: d["posts"])
    if not runs:
        return None
    head = "| measurement | " + " | ".join(f"{r['posts']:,} posts" for r in runs) + " | last / first |"
    rows = [head, "|---|" + "---:|" * (len(runs) + 1)]

    def row(label: str, values: list[float | None], unit: str = "") -> None:
        ratio = f"{values[-1] / values[0]:.2f}x" if len(values) > 1 and values[0] and values[-1] is not None else "—"
        rows.append(f"| {label} | " + " | ".join(_fmt(v, unit) for v in values) + f" | {ratio} |")

    fns = list(runs[-1]["functions"])
    for fn in fns:
        for q in ("p50", "p95"):
            row(f"{fn} {q} ms", [r["functions"].get(fn, {}).get(q) for r in runs])
    row("refresh_ward_analytics() s", [r.get("refresh_s") for r in runs])
    row("daily_partition_maintenance() s", [r.get("maintenance_s") for r in runs])
    row("ordering one closed month s", [r.get("order_s") for r in runs])
    rows.append("| rows of that month | " + " | ".join(f"{r.get('order_rows', 0):,}" for r in runs) + " | |")
    day = f"{runs[-1].get('day_posts', DAY_POSTS):,}"
    row(f"ingest of a day ({day} posts) into this database s", [r.get("ingest_s") for r in runs])
    row("the same day into an empty database s", [r.get("ingest_empty_s") for r in runs])
    row(
        "ingest: this / empty",
        [r["ingest_s"] / r["ingest_empty_s"] if r.get("ingest_s") and r.get("ingest_empty_s") else None for r in runs],
    )
    row("database size GiB", [r["db_bytes"] / 2**30 if r.get("db_bytes") else None for r in runs])
    row("generation s", [r.get("generate_s") for r in runs])
    runs_line = "; ".join(
        f"{r['posts']:,}: {r.get('date', '?')}, load {r.get('load', '?')}, {r.get('how', '?')}" for r in runs
    )
    return (
        "## Cost growth of the ward API with the dataset (`lokdarpan-db bench query --posts N`)\n\n"
        f"Machine: {runs[-1].get('machine', '?')}. Same settings for every size (passes, clients, seconds as in "
        f"each section). Runs (date, load average 1/5/15 min, generator): {runs_line}. Ingest is compared with "
        "the same day's file into an empty copy of the template, measured in the same run.\n\n"
        + "\n".join(rows)
        + "\n\n"
        + TARGETS
    )


def write_growth(out: Path) -> None:
    """Rewrite the cost-growth section of ``out`` from the query sections it holds."""
    table = growth_table(out.read_text()) if out.exists() else None
    if table:
        write_section(out, "query-growth", table)
