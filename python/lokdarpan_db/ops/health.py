"""Health of a deployed database: integrity checks, performance thresholds and index advice.

Everything comes from SQL any role can run: ``ops.validate_data_integrity()``,
``ops.check_performance_thresholds()`` and the ``ops.*_index`` advice views.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from ..errors import UserError
from ..postgres.connect import connect, redact

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
    """One line of the health table."""

    section: str
    name: str
    status: str
    value: str
    detail: str

    @property
    def failing(self) -> bool:
        """True for FAIL and CRITICAL (WARN and NOT AVAILABLE do not fail)."""
        return self.status in FAILING


def collect(conn: psycopg.Connection, slow_ms: float = 1000.0) -> list[Row]:
    """Every health row of the database behind ``conn`` (integrity, performance, advice)."""
    rows: list[Row] = []
    for name, status, count, detail in conn.execute(
        "select check_name, status, record_count, issue_description from ops.validate_data_integrity()"
    ).fetchall():
        rows.append(Row("integrity", name, status, "" if count is None else str(count), detail or ""))
    for name, value, threshold, status in conn.execute(
        "select metric_name, current_value, threshold, status from ops.check_performance_thresholds(%s::numeric)",
        [slow_ms],
    ).fetchall():
        rows.append(Row("performance", name, status, "" if value is None else str(value), f"threshold {threshold}"))
    for view, what in ADVICE_VIEWS.items():
        found = conn.execute(sql.SQL("select count(*) from ops.{}").format(sql.Identifier(view))).fetchone()
        count = found[0] if found else 0
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


def health(url: str, slow_ms: float = 1000.0) -> list[Row]:
    """The health rows of the database at ``url``; a database without the ops module, or a role
    that may not read it, is a ``UserError``."""
    if slow_ms <= 0:
        raise UserError("--slow-ms must be a positive number of milliseconds")
    with connect(url, autocommit=True) as conn:
        try:
            return collect(conn, slow_ms)
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
