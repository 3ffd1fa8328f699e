"""A database cloned from a deployed one (the benchmarks' copies of their template, a second
test database) is the database a deploy would have made: CREATE DATABASE ... TEMPLATE drops the
per-database role settings, so postgres.clone carries them over, and every verify passes."""

from __future__ import annotations

import uuid

import psycopg

from lokdarpan_db.migrations.engine import Deployer
from lokdarpan_db.postgres.clone import clone_database, db_role_settings


def test_a_clone_keeps_the_role_settings_and_verifies(url, admin_url, project_root):
    src = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    name = f"ld_clone_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
            [src],
        )
        want = db_role_settings(conn, src)
        # what a plain template clone gives: the objects without the roles' settings
        bare = f"{name}_bare"
        conn.execute(f'create database "{bare}" template "{src}"')
        assert db_role_settings(conn, bare) == []
    try:
        bare_failed = [c.name for c, err in Deployer(psycopg.conninfo.make_conninfo(admin_url, dbname=bare), project_root).verify() if err]
        assert "audit/roles" in bare_failed  # the settings are part of what a deploy leaves
        other = clone_database(admin_url, src, name)
        with psycopg.connect(admin_url) as conn:
            got = db_role_settings(conn, name)
        assert want and got == want  # lokdarpan_app's search_path, every role's package marker
        assert [(c.name, err) for c, err in Deployer(other, project_root).verify() if err] == []
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for db in (name, bare):
                conn.execute(f'drop database if exists "{db}" with (force)')
