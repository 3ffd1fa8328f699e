"""Helpers shared by the audit and ops tests: throw-away login roles and role switching."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import psycopg
from psycopg import sql

GROUPS = ("lokdarpan_readonly", "lokdarpan_analyst", "lokdarpan_admin", "lokdarpan_app", "lokdarpan_ingest")


class Roles:
    """Creates login roles ``t_<tag>_<hex>`` members of a group role; drops them at the end."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self.created: list[str] = []

    def login(self, group: str | None, tag: str = "x") -> str:
        name = f"t_{tag}_{uuid.uuid4().hex[:8]}"
        stmt = sql.SQL("create role {} login").format(sql.Identifier(name))
        if group:
            stmt = sql.SQL("create role {} login in role {}").format(sql.Identifier(name), sql.Identifier(group))
        self.conn.execute(stmt)
        self.conn.commit()
        self.created.append(name)
        return name

    def assign(self, role: str, *wards: str) -> None:
        for ward in wards:
            self.conn.execute("select audit.assign_ward(%s, %s)", [role, ward])
        self.conn.commit()

    def drop_all(self) -> None:
        self.conn.rollback()
        self.conn.execute("reset role")
        for name in self.created:
            self.conn.execute("delete from audit.ward_assignment where role_name = %s", [name])
            self.conn.execute(sql.SQL("drop owned by {}").format(sql.Identifier(name)))
            self.conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))
        self.conn.commit()


@contextlib.contextmanager
def as_role(conn: psycopg.Connection, role: str) -> Iterator[psycopg.Connection]:
    """Run the block as ``role`` (SET ROLE inside the current transaction, reset afterwards)."""
    conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))
    try:
        yield conn
    finally:
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            conn.rollback()
        conn.execute("reset role")


def sqlstate_of(conn: psycopg.Connection, statement: str, params=None) -> str | None:
    """SQLSTATE raised by ``statement`` (None when it succeeds), inside a savepoint."""
    try:
        with conn.transaction():
            conn.execute(statement, params)
    except psycopg.Error as exc:
        return exc.sqlstate
    return None
