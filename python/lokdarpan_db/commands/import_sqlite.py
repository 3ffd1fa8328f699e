"""import-sqlite PATH: the content-analytics application's SQLite database into schema content."""

from __future__ import annotations

from pathlib import Path

from ..console import Progress
from ..importers.sqlite import SPECS, import_sqlite
from ..postgres.connect import resolve_url
from . import logger, out


def cmd_import_sqlite(args) -> int:
    """Import a SQLite content database and print the counts per table."""
    url = resolve_url(args.db, log=logger(args))
    with Progress("import-sqlite", total=len(SPECS), enabled=not args.quiet) as bar:
        report = import_sqlite(Path(args.path), url, sample=args.sample, log=bar.step)
    out(args, f"import {report.import_id} of {report.source} (sha256 {report.sha256[:12]}...)")
    out(args, f"  {'table':<26}{'read':>8}{'inserted':>10}{'present':>9}{'repeated':>10}{'rejected':>10}")
    for name, c in report.tables.items():
        out(args, f"  {name:<26}{c.read:>8}{c.inserted:>10}{c.existing:>9}{c.duplicate:>10}{c.rejected:>10}")
        if c.missing_columns:
            out(args, f"    columns absent from the source (left empty): {', '.join(c.missing_columns)}")
    out(
        args,
        f"  validated: counts, every accepted row present, {report.sample_checked} sampled "
        f"rows equal field by field, no orphans",
    )
    if report.recoded or report.nul_removed:
        out(
            args,
            f"  note: {report.recoded} text values were not UTF-8 (read as cp1252/latin-1), "
            f"{report.nul_removed} had NUL characters removed",
        )
    rejected = sum(c.rejected for c in report.tables.values())
    if rejected:
        out(
            args,
            f"  {rejected} rows rejected: select * from content.import_reject where import_id = {report.import_id}",
        )
    return 0


def register(sub, common) -> None:
    """Add the import-sqlite command."""
    p = sub.add_parser(
        "import-sqlite", parents=[common], help="import the content application's SQLite database (schema content)"
    )
    p.add_argument("path", metavar="PATH", help="the SQLite database file")
    p.add_argument(
        "--sample",
        type=int,
        default=50,
        metavar="N",
        help="rows per table compared field by field after the load (default 50)",
    )
    p.set_defaults(func=cmd_import_sqlite)
