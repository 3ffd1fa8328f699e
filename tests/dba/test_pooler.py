"""PgBouncer in transaction-pooling mode in front of the embedded server: it starts on a free
port and stops with the server, serves more clients than it has server connections, keeps the
application roles' settings, and psycopg connections through it never prepare statements
(PgBouncer 1.18 has no prepared statements in transaction mode)."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from lokdarpan_db import cli
from lokdarpan_db.errors import EXIT_MISSING_PROGRAM, MissingProgramError
from lokdarpan_db.postgres.connect import connect, is_pooler_url
from lokdarpan_db.postgres.embedded import Cluster
from lokdarpan_db.postgres.pooler import Pooler, default_pool_size, fd_limit, pgbouncer_binary

from ..audit.helpers import Roles

try:
    pgbouncer_binary()
    HAVE_PGBOUNCER = True
except MissingProgramError:
    HAVE_PGBOUNCER = False

needs_pgbouncer = pytest.mark.skipif(
    not HAVE_PGBOUNCER, reason="pgbouncer is not installed (apt-get install pgbouncer; test.sh does)"
)
pytestmark = pytest.mark.needs_pgbouncer

POOL_SIZE = 3


@pytest.fixture(scope="module")
def pooler(pg_cluster: Cluster | None) -> Iterator[Pooler]:
    """A pooler in front of the suite's own server (a temp dir), with a small pool."""
    if pg_cluster is None:
        pytest.skip("needs a server this test suite started (LOKDARPAN_TEST_DATABASE_URL is set)")
    if not HAVE_PGBOUNCER:
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer; test.sh does)")
    p = Pooler(pg_cluster, pool_size=POOL_SIZE)
    p.start()
    try:
        yield p
    finally:
        p.stop()
        shutil.rmtree(p.dir, ignore_errors=True)


@pytest.fixture
def own_pgdata(monkeypatch) -> Iterator[Path]:
    """A data directory of its own for CLI tests (never the default one); stopped afterwards."""
    base = Path(tempfile.mkdtemp(prefix="ldpooler-", dir="/tmp"))
    base.chmod(0o755)
    pgdata = base / "pgdata"
    monkeypatch.setenv("LOKDARPAN_PGDATA", str(pgdata))
    try:
        yield pgdata
    finally:
        cluster = Cluster.embedded(pgdata)
        Pooler(cluster).stop()
        cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@needs_pgbouncer
def test_server_start_pooler_starts_it_on_a_free_port_and_server_stop_stops_it(own_pgdata, capsys):
    assert cli.main(["server", "start", "--pooler", "--pool-size", "4"]) == 0
    cluster = Cluster.embedded(own_pgdata)
    pooler = Pooler(cluster)
    assert pooler.dir == own_pgdata.with_name("pgdata-pooler")
    assert pooler.running and pooler.port != cluster.port
    capsys.readouterr()
    assert cli.main(["server", "status", "--pooler"]) == 0
    assert f"pooler running, pid {pooler.pid_info()[0]}, port {pooler.port}" in capsys.readouterr().out
    assert cli.main(["server", "url", "--pooler"]) == 0
    url = capsys.readouterr().out.strip()
    assert url == pooler.url("lokdarpan") and is_pooler_url(url)
    ini = (pooler.dir / "pgbouncer.ini").read_text()
    assert "pool_mode = transaction" in ini and "default_pool_size = 4" in ini and pooler.size == 4
    assert f"listen_port = {pooler.port}" in ini and f"port={cluster.port}" in ini
    with connect(url) as conn:
        assert conn.execute("select current_database()").fetchone()[0] == "lokdarpan"
        assert conn.prepare_threshold is None
    pid = pooler.pid_info()[0]
    assert cli.main(["server", "stop"]) == 0
    assert "pooler stopped" in capsys.readouterr().out
    assert not pooler.running and not cluster.running
    assert not Path(f"/proc/{pid}").exists()
    assert cli.main(["server", "status", "--pooler"]) == 1


def test_a_missing_pgbouncer_is_one_clear_line_and_exit_code_10(own_pgdata, monkeypatch, capsys):
    monkeypatch.setenv("LOKDARPAN_PGBOUNCER", "/nonexistent/bin/pgbouncer")
    with pytest.raises(MissingProgramError, match="pgbouncer is not installed"):
        pgbouncer_binary()
    assert cli.main(["server", "start", "--pooler"]) == EXIT_MISSING_PROGRAM == 13
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "lokdarpan-db server: error: pgbouncer is not installed (looked in /nonexistent/bin/pgbouncer): "
        "apt-get install pgbouncer (or set LOKDARPAN_PGBOUNCER to its path)"
    ]
    assert not (own_pgdata / "PG_VERSION").exists()  # checked before anything started


def test_fifty_concurrent_clients_share_a_pool_of_three_server_connections(pooler, url):
    dbname = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    purl = pooler.url(dbname)
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(50)

    def client() -> None:
        try:
            with connect(purl, autocommit=True) as conn:
                barrier.wait(timeout=60)
                for _ in range(3):
                    row = conn.execute("select pg_backend_pid() from pg_sleep(0.02)").fetchone()
                    results.append(row[0])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=client) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(results) == 150
    # 50 connected clients, at most the pool (+ its reserve of 2) of server connections
    assert 1 <= len(set(results)) <= POOL_SIZE + 2 < 50


def test_the_same_statement_executed_many_times_survives_transaction_pooling(pooler, url):
    """psycopg prepares a statement after 5 executions; under transaction pooling the next
    transaction may run on another server connection, where that statement does not exist."""
    dbname = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with connect(pooler.url(dbname), autocommit=True) as conn, connect(pooler.url(dbname)) as holder:
        assert conn.prepare_threshold is None
        pids = set()
        for i in range(12):
            if i == 6:
                # take the server connection the first client just released (PgBouncer hands
                # out the most recently used one), so its next statements run on another one
                holder.execute("select 1")
            row = conn.execute("select %s::int + 1, pg_backend_pid()", [i]).fetchone()
            assert row[0] == i + 1
            pids.add(row[1])
        holder.rollback()
        assert len(pids) >= 2  # the statement really ran on more than one server connection


def test_pool_size_rule_and_file_descriptors():
    assert [default_pool_size(c) for c in (1, 2, 8)] == [3, 5, 17]
    assert fd_limit(2000, 62) > 2000 + 62


def test_a_direct_connection_still_prepares(url):
    assert not is_pooler_url(url)
    with connect(url) as conn:
        assert conn.prepare_threshold == 5


def test_the_application_roles_search_path_applies_through_the_pooler(pooler, db, url):
    roles = Roles(db)
    try:
        app = roles.login("lokdarpan_app", "pool")
        path = db.execute("select audit.default_search_path()").fetchone()[0]
        db.execute(
            sql.SQL("alter role {} in database {} set search_path = {}").format(
                sql.Identifier(app), sql.Identifier(db.info.dbname), sql.SQL(path)
            )
        )
        db.commit()
        with connect(pooler.url(db.info.dbname, user=app), autocommit=True) as conn:
            assert conn.execute("select current_user").fetchone()[0] == app
            assert conn.execute("show search_path").fetchone()[0] == path
            row = conn.execute(
                "select ward_name, total_posts from get_ward_intelligence_fast('jubilee hills', 30)"
            ).fetchone()
            assert row == ("Jubilee Hills", 0)
    finally:
        roles.drop_all()
