"""ingest posts|epapers FILE...: bulk ingestion (JSON Lines or CSV, gzip transparently)."""

from __future__ import annotations

import os
from pathlib import Path

from ..ingest.load import ingest_files
from ..postgres.connect import resolve_url
from . import logger, out


def cmd_ingest(args) -> int:
    """Ingest the files and print the summary."""
    url = resolve_url(args.db, log=logger(args))
    report = ingest_files(
        url,
        [Path(f) for f in args.files],
        args.kind,
        workers=args.workers,
        batch_size=args.batch_size,
        dry_run=args.dry_run,
        progress=not args.quiet,
    )
    if not args.quiet:
        out(args, report.summary())
    return 0


def register(sub, common) -> None:
    """Add the ingest command."""
    p = sub.add_parser("ingest", parents=[common], help="load posts or e-papers from JSON Lines / CSV files (.gz too)")
    p.add_argument("kind", choices=["posts", "epapers"])
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="batches merged at once, one connection each (default: cores)",
    )
    p.add_argument("--batch-size", type=int, default=20_000, help="lines per batch/transaction")
    p.add_argument(
        "--dry-run", action="store_true", help="validate and report exactly as a real run would, then roll back"
    )
    p.set_defaults(func=cmd_ingest)
