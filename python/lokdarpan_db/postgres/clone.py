"""Per-database role settings, and databases cloned from a template with them.

``CREATE DATABASE ... TEMPLATE`` copies the template's objects but not its per-database role
settings (``ALTER ROLE ... IN DATABASE ... SET``: rows of the shared catalog
``pg_db_role_setting`` keyed by the template's oid), and neither does ``pg_dump`` without
``--create``. A deployed plan has such settings (the application role's search_path, the roles'
``lokdarpan.package`` marker, checked by the verify of audit/roles), so a clone or a restore
without them is not the database a deploy would have made. ``clone_database`` and the backup's
restore carry them over with ``apply_db_role_settings``."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from .connect import connect


def db_role_settings(conn: psycopg.Connection, dbname: str) -> list[list]:
    """The per-database role settings of database ``dbname``: ``[[role, ["name=value", ...]], ...]``
    (database-wide settings, ``ALTER DATABASE ... SET``, are copied by a template clone and left out)."""
    return [
        [r[0], list(r[1])]
        for r in conn.execute(
            "select pg_get_userbyid(setrole), setconfig from pg_db_role_setting"
            " where setdatabase = (select oid from pg_database where datname = %s) and setrole <> 0 order by 1",
            [dbname],
        )
    ]


def apply_db_role_settings(url: str, settings: list, log: Callable[[str], None] = lambda msg: None) -> None:
    """Apply ``settings`` (as ``db_role_settings`` gives them) to the database of ``url``
    (roles missing on this server are reported and skipped)."""
    with connect(url, autocommit=True) as conn:
        dbname = conn.info.dbname
        for role, configs in settings or []:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                log(f"role {role} does not exist here: its settings for this database were not restored")
                continue
            for item in configs:
                key, _, value = item.partition("=")
                name = sql.SQL(".").join(sql.Identifier(part) for part in key.split("."))
                # search_path is stored as the list it was set to; every other value as a literal
                conn.execute(
                    sql.SQL("ALTER ROLE {} IN DATABASE {} SET {} TO {}").format(
                        sql.Identifier(role),
                        sql.Identifier(dbname),
                        name,
                        sql.SQL(value) if key == "search_path" else sql.Literal(value),
                    )
                )


def clone_database(admin_url: str, template: str, name: str) -> str:
    """Create database ``name`` from ``template`` on the server of ``admin_url`` (a maintenance
    database), with the template's per-database role settings; returns its URL (``admin_url``
    naming database ``name``)."""
    with connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {} template {}").format(sql.Identifier(name), sql.Identifier(template)))
        settings = db_role_settings(conn, template)
    url = make_conninfo(admin_url, dbname=name)
    apply_db_role_settings(url, settings)
    return url
