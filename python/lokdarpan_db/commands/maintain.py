"""maintain: daily partition maintenance (what a scheduler runs; see README for the cron line)."""

from __future__ import annotations

from datetime import datetime

from ..errors import UserError
from ..ops.maintenance import maintain
from ..postgres.connect import resolve_url
from . import logger, out


def cmd_maintain(args) -> int:
    """Run the daily maintenance and print one line per action."""
    url = resolve_url(args.db, log=logger(args))
    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            raise UserError(f"--now {args.now!r} is not an ISO 8601 timestamp") from None
    rows = maintain(url, now, refresh=not args.no_refresh, log=logger(args))
    for parent, partition, action, count in rows:
        out(args, f"{parent:<28} {partition or '-':<34} {action} ({count if count is not None else '-'} rows)")
    if not rows:
        out(args, "nothing to do: every partition is in place")
    return 0


def register(sub, common) -> None:
    """Add the maintain command."""
    p = sub.add_parser(
        "maintain",
        parents=[common],
        help="create partitions ahead, move default-partition rows, detach old ones, rewrite closed "
        "months in ward order, refresh views",
    )
    p.add_argument("--now", help="act as if it were this time (ISO 8601); default: the server's now()")
    p.add_argument("--no-refresh", action="store_true", help="do not refresh the analytics materialized views")
    p.set_defaults(func=cmd_maintain)
