"""demo: load a deterministic set of synthetic posts over the 145 wards (and refresh analytics)."""

from __future__ import annotations

from datetime import UTC, datetime

from ..postgres.connect import resolve_url
from ..synthetic.demo import load_demo
from . import logger, out


def cmd_demo(args) -> int:
    """Generate and ingest the demo posts, then print the ingest summary."""
    log = logger(args)
    url = resolve_url(args.db, log=log)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    report = load_demo(
        url,
        args.posts,
        days=args.days,
        now=now,
        seed=args.seed,
        malformed=args.malformed,
        workers=args.workers,
        log=log,
    )
    out(args, report.summary())
    return 0


def register(sub, common) -> None:
    """Add the demo command."""
    p = sub.add_parser("demo", parents=[common], help="load deterministic demo posts for the 145 wards")
    p.add_argument("--posts", type=int, default=60_000, help="number of posts (default 60000)")
    p.add_argument("--days", type=int, default=30, help="spread over the last N days (default 30)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--malformed", type=float, default=0.01, help="share of malformed lines (default 0.01)")
    p.add_argument("--workers", type=int, default=None)
    p.set_defaults(func=cmd_demo)
