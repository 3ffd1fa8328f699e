"""Our own bookkeeping, in schema ``lokdarpan_meta``: which change is deployed, with the sha256 of
its deploy, revert and verify scripts as they were when it was deployed, and an event log.

yoyo records migrations by a hash of their id only, so it cannot notice an edited script; this
registry can. It is written in the same transaction as the change itself, so it is never out of
step with the schema; yoyo's own table is reconciled from it at the start of every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

from .plan import KINDS, Change, Plan

SCHEMA = "lokdarpan_meta"

DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
COMMENT ON SCHEMA {SCHEMA} IS 'lokdarpan-db bookkeeping: deployed changes and their script checksums';
CREATE TABLE IF NOT EXISTS {SCHEMA}.change (
    change_id      text PRIMARY KEY,
    name           text NOT NULL,
    project        text NOT NULL,
    deploy_sha256  text NOT NULL,
    revert_sha256  text NOT NULL,
    verify_sha256  text NOT NULL,
    planned_at     text NOT NULL,
    deployed_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    deployed_by    text NOT NULL DEFAULT session_user,
    seq            bigint GENERATED ALWAYS AS IDENTITY
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.event (
    event_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event       text NOT NULL CHECK (event IN ('deploy', 'revert', 'fail')),
    change_id   text NOT NULL,
    detail      text,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    by_role     text NOT NULL DEFAULT session_user
);
"""
# Written inside each deploy attempt's subtransaction, right after the deploy script: the row's
# xmin is the xid of the rows the script wrote (seeds), which data_guard tells from user data.
SEED_DDL = f"""
CREATE TABLE IF NOT EXISTS {SCHEMA}.seed_xact (
    change_id  text NOT NULL,
    at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE {SCHEMA}.seed_xact IS 'One row per deployed change, written in the subtransaction '
    'that ran its deploy script: rows of other tables with the same xmin were written by that script';
"""


@dataclass
class Deployed:
    """One deployed change as recorded: its scripts' checksums, when and by whom."""

    change_id: str
    name: str
    checksums: dict[str, str]
    deployed_at: datetime
    deployed_by: str


def exists(conn: psycopg.Connection) -> bool:
    """True when the bookkeeping tables exist in the database."""
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{SCHEMA}.change"]).fetchone()[0]


def ensure(conn: psycopg.Connection) -> None:
    """Create the bookkeeping schema and tables when missing."""
    if not exists(conn):
        with conn.transaction():
            conn.execute(DDL)
    if conn.execute("SELECT to_regclass(%s) IS NULL", [f"{SCHEMA}.seed_xact"]).fetchone()[0]:
        with conn.transaction():
            conn.execute(SEED_DDL)


def mark_seed_xact(conn: psycopg.Connection, change: Change) -> None:
    """Record, in the (sub)transaction that just ran ``change``'s deploy script, its xid (as xmin)."""
    conn.execute(f"INSERT INTO {SCHEMA}.seed_xact (change_id) VALUES (%s)", [change.change_id])


def deployed(conn: psycopg.Connection) -> list[Deployed]:
    """The deployed changes in deploy order."""
    if not exists(conn):
        return []
    rows = conn.execute(
        f"SELECT change_id, name, deploy_sha256, revert_sha256, verify_sha256, deployed_at,"
        f" deployed_by FROM {SCHEMA}.change ORDER BY seq"
    ).fetchall()
    return [Deployed(r[0], r[1], dict(zip(KINDS, r[2:5], strict=True)), r[5], r[6]) for r in rows]


def record_deploy(conn: psycopg.Connection, plan: Plan, change: Change, sums: dict[str, str]):
    """Record a deployed change and its checksums (in the change's own transaction)."""
    conn.execute(
        f"INSERT INTO {SCHEMA}.change (change_id, name, project, deploy_sha256, revert_sha256,"
        " verify_sha256, planned_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [
            change.change_id,
            change.name,
            plan.project,
            sums["deploy"],
            sums["revert"],
            sums["verify"],
            change.planned_at,
        ],
    )
    conn.execute(f"INSERT INTO {SCHEMA}.event (event, change_id) VALUES ('deploy', %s)", [change.change_id])


def record_revert(conn: psycopg.Connection, change: Change) -> None:
    """Forget a reverted change and log the revert."""
    conn.execute(f"DELETE FROM {SCHEMA}.change WHERE change_id = %s", [change.change_id])
    conn.execute(f"INSERT INTO {SCHEMA}.event (event, change_id) VALUES ('revert', %s)", [change.change_id])


def record_failure(conn: psycopg.Connection, change: Change, detail: str) -> None:
    """Log a change that failed to deploy."""
    if exists(conn):
        conn.execute(
            f"INSERT INTO {SCHEMA}.event (event, change_id, detail) VALUES ('fail', %s, %s)", [change.change_id, detail]
        )
