"""Resolve which database to use and connect to it, turning libpq failures into one clear line."""

from __future__ import annotations

import os
import re
from urllib.parse import quote

import psycopg
from psycopg.conninfo import conninfo_to_dict

from ..errors import ConnectError
from .embedded import Cluster, default_data_dir
from .pooler import pooler_dir, pooler_port_of

EMBEDDED_DB = "lokdarpan"


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", re.sub(r"password=\S+", "password=***", url))


def resolve_url(db: str | None = None, *, start: bool = True, log=None) -> str:
    """--db, else $DATABASE_URL, else the embedded server (started when needed) and its
    ``lokdarpan`` database (created when missing)."""
    url = db or os.environ.get("DATABASE_URL")
    if url:
        return url
    cluster = Cluster.embedded()
    if not cluster.running:
        if not start:
            raise ConnectError(f"the embedded server in {cluster.pgdata} is not running (lokdarpan-db server start)")
        if log:
            log(f"starting the embedded PostgreSQL in {cluster.pgdata}")
        cluster.start()
    ensure_database(cluster.url("postgres"), EMBEDDED_DB)
    return cluster.url(EMBEDDED_DB)


def ensure_database(admin_url: str, name: str) -> None:
    """Create database ``name`` on the server of ``admin_url`` when it does not exist."""
    with connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            try:
                conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                pass


def is_pooler_url(url: str) -> bool:
    """True when ``url`` leads to a PgBouncer this package started: its host is the pooler's
    socket directory (the one holding ``pgbouncer.ini``, as ``server url --pooler`` prints), or
    it is 127.0.0.1/localhost at the port the embedded server's pooler listens on."""
    params = conninfo_to_dict(url)
    host, port = str(params.get("host") or ""), str(params.get("port") or "5432")
    if host.startswith("/"):
        return pooler_port_of(host) is not None
    if host in ("127.0.0.1", "localhost"):
        local = pooler_port_of(str(pooler_dir(default_data_dir())))
        return local is not None and str(local) == port
    return False


def connect(url: str, *, autocommit: bool = False, pooled: bool | None = None, **kwargs) -> psycopg.Connection:
    """Connect to ``url``. Through a transaction pooler (``pooled=True``, or a URL
    ``is_pooler_url`` recognises) psycopg never prepares statements (``prepare_threshold=None``):
    PgBouncer 1.18 in transaction mode would hand the next transaction a server connection
    that lacks them."""
    try:
        conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ConnectError(f"invalid database URL {redact(url)!r}: {exc}") from None
    if pooled is None:
        pooled = is_pooler_url(url)
    if pooled:
        kwargs["prepare_threshold"] = None
    try:
        return psycopg.connect(
            url, autocommit=autocommit, connect_timeout=10, application_name="lokdarpan-db", **kwargs
        )
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConnectError(f"cannot connect to {redact(url)}: {first}") from None


def yoyo_url(url: str) -> str:
    """A yoyo URI for psycopg 3 that carries every libpq parameter of ``url``."""
    params = {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
    user = params.pop("user", "")
    password = params.pop("password", None)
    dbname = params.pop("dbname", "")
    auth = quote(user, safe="")
    if password is not None:
        auth += ":" + quote(password, safe="")
    query = "&".join(f"{k}={quote(v, safe='/')}" for k, v in params.items())
    return f"postgresql+psycopg://{auth + '@' if auth else ''}/{quote(dbname, safe='')}" + (
        f"?{query}" if query else ""
    )


def one(cursor: psycopg.Cursor) -> tuple:
    """The one row a query that always returns one (an aggregate, SHOW, ...) returned."""
    row = cursor.fetchone()
    if row is None:
        raise RuntimeError("the query returned no row")
    return row


def server_version_num(conn: psycopg.Connection) -> int:
    """The server's version as a number (e.g. 180001)."""
    return int(conn.execute("SHOW server_version_num").fetchone()[0])
