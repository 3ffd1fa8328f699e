"""Roles are cluster-wide: two databases on one server share them. Deploying into a second
database reuses them; reverting one database keeps them while another still uses them and
removes exactly this database's traces (its per-database settings and grants)."""

from __future__ import annotations

import uuid

import psycopg

from lokdarpan_db.migrations.engine import Deployer
from lokdarpan_db.migrations.fingerprint import diff, fingerprint

from ..conftest import ROOT, db_url

ROLES = {"lokdarpan_readonly", "lokdarpan_analyst", "lokdarpan_admin", "lokdarpan_app", "lokdarpan_ingest"}


def _new_db(admin_url):
    name = f"ld_roles_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return name, db_url(admin_url, name)


def _drop_db(admin_url, name):
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def _fp(url):
    with psycopg.connect(url, autocommit=True) as conn:
        return fingerprint(conn)


def test_two_databases_share_the_roles_and_revert_independently(admin_url, template_db):
    a, url_a = _new_db(admin_url)
    b, url_b = _new_db(admin_url)
    try:
        before_a = _fp(url_a)
        Deployer(url_a, ROOT).deploy()
        Deployer(url_b, ROOT).deploy()
        with psycopg.connect(admin_url) as conn:
            assert {r[0] for r in conn.execute("select rolname from pg_roles where rolname like 'lokdarpan%'")} == ROLES
            marked = conn.execute(
                "select count(*) from pg_roles r where rolname like 'lokdarpan\\_%' "
                "and shobj_description(r.oid, 'pg_authid') = 'managed by lokdarpan:audit/roles'"
            ).fetchone()[0]
            assert marked == 5
        Deployer(url_a, ROOT).revert()
        with psycopg.connect(admin_url) as conn:
            # still there for b (and the test template)
            assert conn.execute("select count(*) from pg_roles where rolname like 'lokdarpan\\_%'").fetchone()[0] == 5
            settings_a = conn.execute(
                "select count(*) from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase "
                "where d.datname = %s",
                [a],
            ).fetchone()[0]
            assert settings_a == 0
            settings_b = conn.execute(
                "select count(*) from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase "
                "where d.datname = %s",
                [b],
            ).fetchone()[0]
            assert settings_b == 5
        assert diff(before_a, _fp(url_a)) == []
        # b still works: the roles it uses and its grants are intact
        with psycopg.connect(url_b) as conn:
            assert (
                conn.execute("select has_table_privilege('lokdarpan_analyst', 'core.post', 'select')").fetchone()[0]
                is True
            )
    finally:
        _drop_db(admin_url, a)
        Deployer(url_b, ROOT).revert()
        _drop_db(admin_url, b)
