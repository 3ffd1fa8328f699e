"""demo: load a deterministic set of synthetic posts over the 145 wards (and refresh analytics)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..ingest.load import ingest_files
from ..postgres.connect import connect, resolve_url
from ..synthetic.demo import load_wards, write_posts
from . import logger, out


def cmd_demo(args) -> int:
    log = logger(args)
    url = resolve_url(args.db, log=log)
    with connect(url) as conn:
        wards = load_wards(conn)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(days=args.days)
    with tempfile.TemporaryDirectory(prefix="lokdarpan-demo-") as tmp:
        path = write_posts(Path(tmp) / "demo_posts.jsonl.gz", args.posts, wards, start=start,
                           days=args.days, seed=args.seed, malformed=args.malformed)
        log(f"generated {args.posts:,} posts over {args.days} day(s) (seed {args.seed}); ingesting")
        report = ingest_files(url, [path], "posts", workers=args.workers, progress=None)
    out(args, report.summary())
    with connect(url, autocommit=True) as conn:
        if conn.execute("select to_regproc('analytics.refresh_ward_analytics')").fetchone()[0]:
            for row in conn.execute("select * from analytics.refresh_ward_analytics()"):
                log(f"refreshed {row[0]} ({row[1]} rows, {row[2]} ms)")
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("demo", parents=[common], help="load deterministic demo posts for the 145 wards")
    p.add_argument("--posts", type=int, default=60_000, help="number of posts (default 60000)")
    p.add_argument("--days", type=int, default=30, help="spread over the last N days (default 30)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--malformed", type=float, default=0.01, help="share of malformed lines (default 0.01)")
    p.add_argument("--workers", type=int, default=None)
    p.set_defaults(func=cmd_demo)
