"""maintain: daily partition maintenance (what a scheduler runs; see README for the cron line)."""

from __future__ import annotations

from datetime import datetime

from ..errors import UserError
from ..postgres.connect import connect, resolve_url
from . import logger, out


def order_closed_months(conn, now: datetime | None = None, log=None) -> list[tuple]:
    """Every closed month still to be rewritten in ward order, one per transaction (each swap
    holds the parent's lock until its transaction ends): (parent, partition, action, rows).
    ``conn`` is in autocommit."""
    rows: list[tuple] = []
    if not conn.execute("select to_regproc('core.order_closed_partitions')").fetchone()[0]:
        return rows
    while True:
        done = [(r[0], r[1], f"{r[2]} in {r[4]} s", r[3]) for r in conn.execute(
            "select * from core.order_closed_partitions(coalesce(%s, now()))", [now])]
        if not done:
            return rows
        if log:
            log(f"  {done[0][1]}: {done[0][2]} ({done[0][3]:,} rows)")
        rows += done


def maintain(url: str, now: datetime | None = None, refresh: bool = True, log=None) -> list[tuple]:
    """Daily maintenance, then every closed month still to be rewritten in ward order, then the
    dashboards."""
    with connect(url, autocommit=True) as conn:
        rows = conn.execute("select * from core.daily_partition_maintenance(coalesce(%s, now()))", [now]).fetchall()
        rows += order_closed_months(conn, now, log)
        if refresh and conn.execute("select to_regproc('analytics.refresh_ward_analytics')").fetchone()[0]:
            rows += [("analytics." + r[0], None, f"refreshed {r[3]} in {r[2]} ms", r[1])
                     for r in conn.execute("select * from analytics.refresh_ward_analytics()")]
    return rows


def cmd_maintain(args) -> int:
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
    p = sub.add_parser("maintain", parents=[common],
                       help="create partitions ahead, move default-partition rows, detach old ones, rewrite closed "
                            "months in ward order, refresh views")
    p.add_argument("--now", help="act as if it were this time (ISO 8601); default: the server's now()")
    p.add_argument("--no-refresh", action="store_true", help="do not refresh the analytics materialized views")
    p.set_defaults(func=cmd_maintain)
