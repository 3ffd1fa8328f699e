"""Partition maintenance: what a scheduler runs daily (see README for the cron line)."""

from __future__ import annotations

from datetime import datetime

from ..postgres.connect import connect


def order_closed_months(conn, now: datetime | None = None, log=None) -> list[tuple]:
    """Every closed month still to be rewritten in ward order, one per transaction (each swap
    holds the parent's lock until its transaction ends): (parent, partition, action, rows).
    ``conn`` is in autocommit."""
    rows: list[tuple] = []
    if not conn.execute("select to_regproc('core.order_closed_partitions')").fetchone()[0]:
        return rows
    while True:
        done = [
            (r[0], r[1], f"{r[2]} in {r[4]} s", r[3])
            for r in conn.execute("select * from core.order_closed_partitions(coalesce(%s, now()))", [now])
        ]
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
            rows += [
                ("analytics." + r[0], None, f"refreshed {r[3]} in {r[2]} ms", r[1])
                for r in conn.execute("select * from analytics.refresh_ward_analytics()")
            ]
    return rows
