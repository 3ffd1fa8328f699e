"""Shared plumbing for benchmarks: a deployed template database, fresh copies of it, timing
helpers. Benchmarks run against --db/DATABASE_URL or the embedded server; they create and drop
their own databases (named ld_bench_*) and never touch others."""

from __future__ import annotations

import statistics
import uuid
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from ..console import logger
from ..migrations.engine import Deployer
from ..postgres.clone import clone_database
from ..postgres.connect import connect, resolve_url

TEMPLATE = "ld_bench_template"


def db_url(url: str, dbname: str) -> str:
    """``url`` with its database name replaced by ``dbname``."""
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo("", **params)


def admin_url(args) -> str:
    """The URL of the maintenance database (postgres) of the server the command line names."""
    return db_url(resolve_url(args.db, log=logger(getattr(args, "quiet", False))), "postgres")


def ensure_template(admin: str, project_dir: Path, log=print) -> None:
    """(Re)build the deployed template when missing (or when the plan changed)."""
    with connect(admin, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", [TEMPLATE]).fetchone()
    if exists:
        engine = Deployer(db_url(admin, TEMPLATE), project_dir)
        if not engine.pending() and not engine.check():
            return
        with connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(TEMPLATE)))
    log("building the benchmark template database (deploying the plan)")
    with connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(TEMPLATE)))
    Deployer(db_url(admin, TEMPLATE), project_dir).deploy()


def fresh_db(admin: str) -> tuple[str, str]:
    """Create a scratch database from the deployed template: (name, url)."""
    name = f"ld_bench_{uuid.uuid4().hex[:8]}"
    # with the template's per-database role settings, as a deploy would have left them
    return name, clone_database(admin, TEMPLATE, name)


def drop_db(admin: str, name: str) -> None:
    """Drop a scratch database (its connections are ended)."""
    with connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95 and p99 of ``values`` (NaN when empty)."""
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    s = sorted(values)

    def q(p: float) -> float:
        return s[min(len(s) - 1, max(0, int(round(p * (len(s) - 1)))))]

    return {"p50": statistics.median(s), "p95": q(0.95), "p99": q(0.99)}


def server_version(url: str) -> str:
    """The server version string of the database at ``url``."""
    with psycopg.connect(url) as conn:
        return conn.execute("show server_version").fetchone()[0]


def ward_names(admin: str, project_dir: Path, log=print) -> list[str]:
    """The 145 ward names, read from a fresh copy of the benchmark template (deployed if needed)."""
    from ..synthetic.demo import load_wards

    ensure_template(admin, project_dir, log)
    name, url = fresh_db(admin)
    try:
        with connect(url) as conn:
            return load_wards(conn)
    finally:
        drop_db(admin, name)


def pgbench_target(url: str, log_dir: Path) -> list[str]:
    """pgbench arguments that log each transaction under ``log_dir`` and connect to ``url``."""
    p = conninfo_to_dict(url)
    return [
        "-l",
        "--log-prefix",
        str(log_dir / "log"),
        "-h",
        str(p.get("host", "localhost")),
        "-p",
        str(p.get("port", 5432)),
        "-U",
        str(p.get("user", "postgres")),
        str(p["dbname"]),
    ]
