"""Which tables a revert would drop while they still hold data, so ``revert`` can refuse.

A revert script drops the tables its change created (``DROP TABLE [IF EXISTS] a, b``; the
plan's revert scripts name every table they drop, and drop schemas only when empty). Before any
change is reverted the engine reads those names from the revert scripts of every change it is
about to revert and looks at each table that exists:

* **derived** tables (``DERIVED``: rollups, author histograms, the fingerprint index table,
  caches, staging, results of compute functions) are rebuilt from other tables and may go;
* every other table is **primary data** (posts, users, alerts, e-papers, electoral results,
  knowledge, audit log, ingest and adoption registries, quarantines...): the revert refuses if it
  holds a row that the plan's own deploys did not write, unless told ``drop_data=True``.

Rows a deploy seeded (wards, vocabularies, check registrations, the audit rows of the deploy's
own GRANTs) are told apart by their ``xmin``: right after a change's deploy script, inside the
same subtransaction, the engine writes a row into ``lokdarpan_meta.seed_xact`` (and its
``deploy`` event into ``lokdarpan_meta.event`` in the change's transaction), so a row whose
``xmin`` is one of those transactions was written by a deploy script. A seeded row someone later
changed has a new ``xmin`` and counts as data. (A database deployed by ``sqitch`` alone has no
such events: every row counts, which only makes the guard stricter.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg
from psycopg import sql

from .plan import Change
from .scripts import strip_comments_and_bodies

# The tables core.post's statement triggers keep (the rollups and ward_author).
POST_ROLLUPS = (
    "analytics.ward_hour",
    "analytics.ward_hour_party",
    "analytics.ward_day",
    "analytics.ward_day_party",
    "analytics.ward_author",
    "analytics.ward_author_day",
)
# Rebuilt from primary tables by triggers, maintenance or compute functions; a revert may drop
# them with their rows. tests/engine/test_data_guard.py checks every entry is a table the
# plan creates.
DERIVED = frozenset(
    {
        *POST_ROLLUPS,
        "analytics.rollup_backfill",  # the rollup backfill's progress (maintenance bookkeeping)
        "core.post_fingerprint",
        "core.ordered_partition",
        "ingest.staging_post",
        "ingest.staging_epaper",
        "content.article_analysis_cache",
        "pulse.ward_momentum_indicators",
        "crisis.crisis_performance_metrics",
    }
)
# above this many rows (planner estimate) the refusal reports the estimate instead of counting
EXACT_COUNT_LIMIT = 1_000_000

_DROP_TABLE_RE = re.compile(r"\bdrop\s+table\s+(?:if\s+exists\s+)?([^;]+)", re.I)
_TRAILER_RE = re.compile(r"\s+(?:cascade|restrict)\s*$", re.I)
_NAME_RE = re.compile(r'^\s*("?[A-Za-z_][\w$]*"?)\s*\.\s*("?[A-Za-z_][\w$]*"?)\s*$')


def dropped_tables(revert_sql: str) -> list[str]:
    """Schema-qualified names (lower case, unquoted) of the tables ``revert_sql`` drops, in order."""
    out: list[str] = []
    for m in _DROP_TABLE_RE.finditer(strip_comments_and_bodies(revert_sql)):
        for part in _TRAILER_RE.sub("", m.group(1)).split(","):
            name = _NAME_RE.match(part)
            if name:
                schema, table = (p.strip('"') for p in name.groups())
                out.append(f"{schema.lower()}.{table.lower()}")
    return out


@dataclass(frozen=True)
class HeldData:
    """A primary table a revert would drop, and the rows it holds."""

    change_id: str
    table: str
    rows: int
    estimated: bool  # rows is the planner's estimate (table larger than EXACT_COUNT_LIMIT)

    def __str__(self) -> str:
        rows = f"~{self.rows:,} rows (estimate)" if self.estimated else f"{self.rows:,} row(s)"
        return f"{self.table} ({rows}; dropped by {self.change_id})"


def _deploy_xids(conn: psycopg.Connection) -> list[str]:
    """The transactions (xids, as text) in which this engine deployed a change."""
    out: list[str] = []
    for table, where in (("seed_xact", "true"), ("event", "event = 'deploy'")):
        if conn.execute("SELECT to_regclass(%s) IS NOT NULL", [f"lokdarpan_meta.{table}"]).fetchone()[0]:
            query = sql.SQL("SELECT DISTINCT xmin::text FROM lokdarpan_meta.{} WHERE {}").format(
                sql.Identifier(table), sql.SQL(where)
            )
            out += [r[0] for r in conn.execute(query)]
    return out


def _estimate(conn: psycopg.Connection, table: str) -> int:
    """Planner row estimate of ``table``: the sum over its leaf partitions (a partitioned parent's
    own estimate already counts them); 0 when never analyzed."""
    row = conn.execute(
        "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint"
        "  FROM pg_partition_tree(%s::regclass) t JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf",
        [table],
    ).fetchone()
    return int(row[0]) if row else 0


def held_by(conn: psycopg.Connection, changes: Iterable[Change]) -> list[HeldData]:
    """The primary tables that reverting ``changes`` would drop and that hold rows no deploy wrote."""
    xids = _deploy_xids(conn)
    out: list[HeldData] = []
    seen: set[str] = set()
    for change in changes:
        for table in dropped_tables(change.read("revert")):
            if table in DERIVED or table in seen:
                continue
            seen.add(table)
            if conn.execute("SELECT to_regclass(%s)", [table]).fetchone()[0] is None:
                continue
            schema, name = table.split(".", 1)
            rel = sql.Identifier(schema, name)
            user_rows = sql.SQL("NOT (xmin::text = ANY(%s::text[]))")
            probe = sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE {})").format(rel, user_rows)
            if not conn.execute(probe, [xids]).fetchone()[0]:
                continue
            estimate = _estimate(conn, table)
            if estimate > EXACT_COUNT_LIMIT:
                out.append(HeldData(change.change_id, table, estimate, True))
                continue
            count = sql.SQL("SELECT count(*) FROM {} WHERE {}").format(rel, user_rows)
            out.append(HeldData(change.change_id, table, int(conn.execute(count, [xids]).fetchone()[0]), False))
    return out
