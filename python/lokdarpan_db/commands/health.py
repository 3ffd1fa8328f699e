"""health: integrity checks, performance thresholds and index advice as one table.

Exit code 8 (``EXIT_HEALTH``) when any integrity check reports FAIL or any metric CRITICAL;
WARN and NOT AVAILABLE are shown but do not fail the command. Everything it prints comes from
SQL any role can run: ``ops.validate_data_integrity()``, ``ops.check_performance_thresholds()``
and the ``ops.*_index`` advice views.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from ..errors import EXIT_HEALTH, UserError
from ..postgres.connect import connect, redact, resolve_url
from . import logger, out

FAILING = {"FAIL", "CRITICAL"}

ADVICE_VIEWS = {
    "unused_index": "never scanned since statistics reset",
    "duplicate_index": "duplicate or overlapping (redundant) indexes",
    "fk_without_index": "foreign keys without an index",
    "invalid_index": "invalid or not-ready indexes",
    "partition_missing_index": "partitions missing an index of their parent",
}


@dataclass
class Row:
    section: str
    name: str
    status: str
    value: str
    detail: str


def collect(conn: psycopg.Connection, slow_ms: float = 1000.0) -> list[Row]:
    """Every health row of the database behind ``conn`` (integrity, performance, advice)."""
    rows: list[Row] = []
    for name, status, count, detail in conn.execute(
        "select check_name, status, record_count, issue_description from ops.validate_data_integrity()"
    ).fetchall():
        rows.append(Row("integrity", name, status, "" if count is None else str(count), detail or ""))
    for name, value, threshold, status in conn.execute(
        "select metric_name, current_value, threshold, status "
        "from ops.check_performance_thresholds(%s::numeric)",
        [slow_ms],
    ).fetchall():
        rows.append(
            Row("performance", name, status, "" if value is None else str(value), f"threshold {threshold}")
        )
    for view, what in ADVICE_VIEWS.items():
        count = conn.execute(
            psycopg.sql.SQL("select count(*) from ops.{}").format(psycopg.sql.Identifier(view))
        ).fetchone()[0]
        status = "INFO" if view == "unused_index" or count == 0 else "WARN"
        rows.append(
            Row(
                "index advice",
                view,
                "OK" if count == 0 else status,
                str(count),
                f"{what} (select * from ops.{view})",
            )
        )
    return rows


def render(rows: list[Row]) -> str:
    headers = ("section", "check", "status", "value", "detail")
    table = [headers] + [(r.section, r.name, r.status, r.value, r.detail) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(4)]
    lines = []
    for i, line in enumerate(table):
        cells = [line[c].ljust(widths[c]) for c in range(4)] + [line[4]]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    return "\n".join(lines)


def cmd_health(args) -> int:
    log = logger(args)
    url = resolve_url(args.db, log=log)
    if args.slow_ms <= 0:
        raise UserError("--slow-ms must be a positive number of milliseconds")
    with connect(url, autocommit=True) as conn:
        try:
            rows = collect(conn, args.slow_ms)
        except (
            psycopg.errors.UndefinedFunction,
            psycopg.errors.InvalidSchemaName,
            psycopg.errors.UndefinedTable,
        ) as exc:
            raise UserError(
                f"{redact(url)} has no ops functions (deploy the plan first): {str(exc).splitlines()[0]}"
            ) from None
        except psycopg.errors.InsufficientPrivilege as exc:
            raise UserError(f"permission denied: {str(exc).splitlines()[0]}") from None
    out(args, render(rows))
    failing = [r for r in rows if r.status in FAILING]
    out(
        args,
        f"{len(rows)} rows, {len(failing)} FAIL/CRITICAL, "
        f"{sum(r.status == 'WARN' for r in rows)} WARN ({redact(url)})",
    )
    return EXIT_HEALTH if failing else 0


def register(sub, common) -> None:
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
