"""Real sqitch (Debian package) deploys, verifies and reverts the same scripts, and a
sqitch-deployed schema dumps exactly like one deployed by the Python layer."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from lokdarpan_db.migrations.engine import Deployer

from ..conftest import ROOT, db_url

pytestmark = pytest.mark.needs_sqitch


def _sqitch_target(url: str) -> str:
    p = conninfo_to_dict(url)
    return (f"db:pg://{p.get('user', 'postgres')}@/{p['dbname']}"
            f"?host={p.get('host', '')}&port={p.get('port', 5432)}")


@pytest.fixture
def sqitch(tmp_path, pg_cluster):
    exe = shutil.which("sqitch")
    if exe is None:
        pytest.skip("sqitch is not installed (apt-get install sqitch libdbd-pg-perl)")
    env = dict(os.environ, HOME=str(tmp_path), SQITCH_USER_CONFIG=str(tmp_path / "none.conf"))
    if pg_cluster is not None:  # the server's own psql
        env["PATH"] = f"{pg_cluster.bindir}:{env['PATH']}"

    def run(*args):
        proc = subprocess.run([exe, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=600)
        return proc
    return run


def _new_db(admin_url):
    name = f"ld_sq_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, db_url(admin_url, name)


def _dump(pg_cluster, url):
    bindir = pg_cluster.bindir if pg_cluster else None
    pg_dump = str(bindir / "pg_dump") if bindir else "pg_dump"
    out = subprocess.run(
        [pg_dump, "--schema-only", "--restrict-key=lokdarpan", "--exclude-schema=sqitch",
         "--exclude-schema=lokdarpan_meta", "--exclude-table=public._yoyo*",
         "--exclude-table=public.yoyo_lock", "-d", url],
        capture_output=True, text=True, check=True).stdout
    return re.sub(r"^-- Dumped.*$", "", out, flags=re.M)


def test_sqitch_deploys_verifies_reverts_and_matches_yoyo(sqitch, admin_url, pg_cluster,
                                                          server_has_vector):
    if not server_has_vector:
        pytest.skip("the test server has no pgvector")
    sq_name, sq_url = _new_db(admin_url)
    yo_name, yo_url = _new_db(admin_url)
    try:
        target = _sqitch_target(sq_url)
        r = sqitch("deploy", "--verify", target)
        assert r.returncode == 0, r.stdout + r.stderr
        r = sqitch("verify", target)
        assert r.returncode == 0, r.stdout + r.stderr
        Deployer(yo_url, ROOT).deploy()
        assert _dump(pg_cluster, sq_url) == _dump(pg_cluster, yo_url)
        r = sqitch("revert", "-y", target)
        assert r.returncode == 0, r.stdout + r.stderr
        with psycopg.connect(sq_url) as conn:
            left = conn.execute("select count(*) from pg_namespace where nspname not in "
                                "('public', 'sqitch') and nspname not like 'pg\\_%' and "
                                "nspname <> 'information_schema'").fetchone()[0]
        assert left == 0
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for name in (sq_name, yo_name):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
