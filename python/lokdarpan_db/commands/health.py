"""health: integrity checks, performance thresholds and index advice as one table.

Exit code 8 (``EXIT_HEALTH``) when any integrity check reports FAIL or any metric CRITICAL;
WARN and NOT AVAILABLE are shown but do not fail the command.
"""

from __future__ import annotations

from ..console import print_table
from ..errors import EXIT_HEALTH
from ..ops.health import health
from ..postgres.connect import redact, resolve_url
from . import logger, out


def cmd_health(args) -> int:
    """Print the health table; exit 8 on FAIL/CRITICAL."""
    url = resolve_url(args.db, log=logger(args))
    rows = health(url, args.slow_ms)
    print_table(
        ("section", "check", "status", "value", "detail"),
        [(r.section, r.name, r.status, r.value, r.detail) for r in rows],
    )
    failing = [r for r in rows if r.failing]
    out(
        args,
        f"{len(rows)} rows, {len(failing)} FAIL/CRITICAL, {sum(r.status == 'WARN' for r in rows)} WARN ({redact(url)})",
    )
    return EXIT_HEALTH if failing else 0


def register(sub, common) -> None:
    """Add the health command."""
    p = sub.add_parser(
        "health",
        parents=[common],
        help="integrity checks, performance thresholds and index advice; exit 8 on FAIL/CRITICAL",
    )
    p.add_argument(
        "--slow-ms",
        type=float,
        default=1000.0,
        metavar="MS",
        help="a statement slower than this on average counts as slow (default 1000)",
    )
    p.set_defaults(func=cmd_health)
