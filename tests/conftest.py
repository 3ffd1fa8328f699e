"""Test harness: one PostgreSQL server per test session, a template database with the whole plan
deployed, and a fresh database cloned from it for every test (pytest-postgresql).

Server choice (environment):
  default                         the embedded PostgreSQL 18 + pgvector from PyPI
  LOKDARPAN_TEST_PG_BINDIR=DIR    another server build, e.g. /usr/lib/postgresql/15/bin
                                  (Debian's 15, run as OS user postgres). Tests that need
                                  pgvector skip there with a reason when it is not installed.
  LOKDARPAN_TEST_DATABASE_URL=URL an already running server (nothing is started or stopped)
Binaries run as an unprivileged OS user when the suite runs as root.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from pytest_postgresql import factories
from pytest_postgresql.executors.noop import NoopExecutor
from pytest_postgresql.janitor import DatabaseJanitor

from lokdarpan_db.migrations.engine import Deployer
from lokdarpan_db.postgres.embedded import TEST_SETTINGS, Cluster

ROOT = Path(__file__).resolve().parents[1]
TEST_DB = "lokdarpan_test"


def _install_pgtap(bindir: Path) -> None:
    """Copy Debian's pgTAP extension files into a server's share/extension (idempotent)."""
    src = Path("/usr/share/postgresql/15/extension")
    dest = bindir.parent / "share" / "extension"
    if not dest.exists():  # Debian layout: /usr/share/postgresql/NN/extension
        return
    for f in src.glob("pgtap*"):
        target = dest / f.name
        if not target.exists():
            try:
                shutil.copy2(f, target)
            except OSError:
                return


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster | None]:
    if os.environ.get("LOKDARPAN_TEST_DATABASE_URL"):
        yield None
        return
    base = Path(tempfile.mkdtemp(prefix="ldtest-", dir="/tmp"))
    base.chmod(0o755)
    bindir = os.environ.get("LOKDARPAN_TEST_PG_BINDIR")
    cluster = (Cluster.from_bindir(Path(bindir), base / "pgdata") if bindir
               else Cluster.embedded(base / "pgdata"))
    _install_pgtap(cluster.bindir)
    cluster.start(TEST_SETTINGS)
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def admin_url(pg_cluster) -> str:
    if pg_cluster is None:
        return os.environ["LOKDARPAN_TEST_DATABASE_URL"]
    return pg_cluster.url("postgres")


def db_url(admin: str, dbname: str) -> str:
    params = conninfo_to_dict(admin)
    params["dbname"] = dbname
    return make_conninfo(**params)


@pytest.fixture(scope="session")
def server_has_vector(admin_url) -> bool:
    with psycopg.connect(admin_url) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'").fetchone()[0] > 0


@pytest.fixture(scope="session")
def pg_server(admin_url) -> NoopExecutor:
    p = conninfo_to_dict(admin_url)
    return NoopExecutor(host=p.get("host", "localhost"), port=p.get("port", 5432),
                        user=p.get("user", "postgres"), options="", dbname=TEST_DB,
                        password=p.get("password"))


@pytest.fixture(scope="session")
def template_db(pg_server, admin_url, server_has_vector) -> Iterator[NoopExecutor]:
    """The test template: every change of the plan deployed once for the session."""
    if not server_has_vector:
        pytest.skip("the test server has no pgvector: the full plan cannot be deployed there")
    janitor = DatabaseJanitor(user=pg_server.user, host=pg_server.host, port=pg_server.port,
                              dbname=pg_server.template_dbname, as_template=True,
                              password=pg_server.password)
    janitor.drop()
    janitor.init()
    Deployer(db_url(admin_url, pg_server.template_dbname), ROOT).deploy()
    try:
        yield pg_server
    finally:
        janitor.drop()


# a fresh database per test, cloned from the deployed template
_cloned_db = factories.postgresql("template_db")


@pytest.fixture
def db(_cloned_db, admin_url, template_db) -> psycopg.Connection:
    """The per-test database. CREATE DATABASE ... TEMPLATE does not copy per-database role
    settings (ALTER ROLE ... IN DATABASE ... SET), which the deployed plan has (the application
    role's search_path, the roles' package marker): carry them over as a deploy would have set them."""
    from lokdarpan_db.postgres.clone import apply_db_role_settings, db_role_settings

    with psycopg.connect(admin_url) as conn:
        settings = db_role_settings(conn, template_db.template_dbname)
    apply_db_role_settings(db_url(admin_url, _cloned_db.info.dbname), settings)
    return _cloned_db


@pytest.fixture
def url(db: psycopg.Connection, admin_url) -> str:
    """URL of the per-test database (same database as the ``db`` connection)."""
    return db_url(admin_url, db.info.dbname)


@pytest.fixture
def empty_db(admin_url) -> Iterator[str]:
    """URL of a new, empty database (nothing deployed), dropped after the test."""
    name = f"ld_empty_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield db_url(admin_url, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT
