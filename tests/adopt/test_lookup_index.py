"""The compatibility views' lookup indexes (the adopt/cutover rework after @v1.1.0): cutover builds them, the
application's lookups through the views can use them, an interrupted build is finished by the
next run, and the change's revert takes them away with the catalog as it was."""

from __future__ import annotations

import psycopg
import pytest

from lokdarpan_db.adopt import lookup_index
from lokdarpan_db.cli import main
from lokdarpan_db.migrations.engine import Deployer
from lokdarpan_db.migrations.fingerprint import diff, fingerprint

from ..conftest import ROOT

NAMES = {
    "core.ix_app_user__compat_id", "core.ix_author__compat_id", "core.ix_author__compat_name",
    "core.ix_post__compat_id", "core.ix_post__compat_epaper_id", "core.ix_post__compat_city_created_at",
    "core.ix_alert__compat_id", "adopt.ix_mapping__compat_keys",
}

# the application's lookups (LEGACY_SCHEMA.md) and the lookup index each one must be able to read
LOOKUPS = [
    ("SELECT post.id, post.city FROM post WHERE post.id = %s", [3], "__compat_id"),
    ("SELECT post.id FROM post WHERE post.epaper_id = %s LIMIT 1", [1002], "__compat_epaper_id"),
    ("SELECT post.id, post.created_at FROM post WHERE post.city = %s ORDER BY post.created_at DESC LIMIT 5",
     ["Kapra"], "__compat_city_created_at"),
    ("SELECT author.id, author.name FROM author WHERE author.name = %s LIMIT 1", ["Ravi Kumar"], "__compat_name"),
    ('SELECT "user".id FROM "user" WHERE "user".id = %s', [1], "ix_app_user__compat_id"),
    ("UPDATE alert SET severity = severity WHERE alert.id = %s", [1], "ix_alert__compat_id"),
]


def index_state(url: str) -> dict[str, bool]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute(
            "select c.oid::regclass::text, i.indisvalid from pg_class c join pg_index i on i.indexrelid = c.oid"
            " where c.relnamespace in ('core'::regnamespace, 'adopt'::regnamespace) and c.relname ~ '__compat_'").fetchall())


def uncovered(url: str) -> list[str]:
    """Partitions of core.post with no index attached under ix_post__compat_id."""
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute(lookup_index.UNCOVERED,
                                           {"table": "core.post", "parent": "core.ix_post__compat_id"})]


@pytest.fixture
def cut_over(legacy_url):
    assert main(["adopt", "start", "--db", legacy_url, "-q"]) == 0
    assert main(["adopt", "cutover", "--db", legacy_url, "-q"]) == 0
    return legacy_url


def test_cutover_builds_the_lookup_indexes_on_every_partition(cut_over):
    state = index_state(cut_over)
    assert NAMES <= set(state) and all(state.values())
    assert uncovered(cut_over) == []
    with psycopg.connect(cut_over) as conn:
        keys = dict(conn.execute("select index_name, key_sql from adopt.compat_lookup_indexes()").fetchall())
    assert keys["ix_post__compat_id"] == "((post_id)::integer)"
    assert keys["ix_post__compat_city_created_at"].startswith("((city)::character varying(120)), ((")


@pytest.mark.parametrize(("statement", "params", "index"), LOOKUPS, ids=[x[2] + str(i) for i, x in enumerate(LOOKUPS)])
def test_the_applications_lookups_through_the_views_can_read_the_lookup_indexes(cut_over, statement, params, index):
    with psycopg.connect(cut_over) as conn:
        before = conn.execute(statement, params).fetchall() if statement.startswith("SELECT") else None
        # the fixture is tiny: forbid the scans, so the plan shows whether an index matches at all
        conn.execute("set enable_seqscan = off")
        conn.execute("set plan_cache_mode = force_generic_plan")  # the application's prepared statements
        conn.execute(f"prepare q as {statement.replace('%s', '$1')}")
        args = ", ".join(psycopg.sql.Literal(p).as_string(conn) for p in params)
        plan = "\n".join(r[0] for r in conn.execute(f"explain execute q({args})"))
        conn.execute("deallocate q")
        assert index in plan, plan
        scans = [line for line in plan.splitlines() if "Seq Scan on post_" in line or "Seq Scan on app_user" in line
                 or "Seq Scan on author" in line or "Seq Scan on alert" in line]
        assert scans == [], plan
        if before is not None:
            conn.execute("reset enable_seqscan")
            assert conn.execute(statement, params).fetchall() == before
        conn.rollback()


def test_an_interrupted_build_is_finished_by_the_next_cutover_run(legacy_url):
    assert main(["adopt", "start", "--db", legacy_url, "-q"]) == 0
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        def ramp_ddl(statement, what):
            conn.execute(statement)

        lookup_index.build(conn, ramp_ddl)
        # a build killed half-way: the parent's index made ON ONLY, one partition's concurrent
        # build left invalid, one built but not attached, the others not begun
        parts = conn.execute(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
            " where i.inhparent = 'core.post'::regclass and c.relkind = 'r' order by 1").fetchall()
        assert len(parts) >= 3
        conn.execute("drop index core.ix_post__compat_id")
        conn.execute("create index ix_post__compat_id on only core.post (((post_id)::integer))")
        for part, valid in [(parts[0][0], False), (parts[1][0], True)]:
            conn.execute(f'create index "{part}__compat_id" on core."{part}" (((post_id)::integer))')
            if not valid:
                conn.execute(f"update pg_index set indisvalid = false where indexrelid = 'core.\"{part}__compat_id\"'::regclass")
        conn.execute('drop index core."ix_author__compat_name"')
    assert len(uncovered(legacy_url)) == len(parts)
    assert main(["adopt", "cutover", "--db", legacy_url, "-q"]) == 0
    state = index_state(legacy_url)
    assert NAMES <= set(state) and all(state.values()) and uncovered(legacy_url) == []


def test_the_revert_drops_the_lookup_indexes_and_restores_the_catalog(legacy_url):
    assert main(["adopt", "start", "--db", legacy_url, "-q"]) == 0
    engine = Deployer(legacy_url, ROOT)
    engine.revert("analytics/ward_api")  # the adopt/cutover rework and the changes after it
    with psycopg.connect(legacy_url) as conn:
        before = fingerprint(conn)
    engine.deploy()
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        lookup_index.build(conn, lambda statement, what: conn.execute(statement))
    assert NAMES <= set(index_state(legacy_url))
    engine.revert("analytics/ward_api")
    assert index_state(legacy_url) == {}
    with psycopg.connect(legacy_url) as conn:
        assert diff(before, fingerprint(conn)) == []


def test_a_new_row_that_keeps_losing_to_concurrent_writers_is_quarantined_not_failed(cut_over):
    """A write through a view whose core write keeps failing on a lock (a deadlock among multi-row
    writers repeats the same way) is quarantined as transient: the application's INSERT succeeds,
    the row reads back under its id, and adopt requeue moves it to core once the writers are gone."""
    holder = psycopg.connect(cut_over)
    holder.execute("lock table analytics.ward_day in exclusive mode")  # every post insert's rollup waits
    try:
        with psycopg.connect(cut_over, autocommit=True) as app:
            app.execute("set lock_timeout = '50ms'")
            pid = app.execute(
                "INSERT INTO post (text, author_id, city, emotion, party, created_at, epaper_id)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING post.id",
                ["contended post", 1, "Kapra", None, "TRS", "2024-06-01 00:00", None]).fetchone()[0]
            assert app.execute("SELECT post.text, post.city FROM post WHERE post.id = %s", [pid]).fetchall() == [
                ("contended post", "Kapra")]
            reason = app.execute("select reason from adopt.quarantine where legacy_table = 'post' and legacy_id = %s",
                                 [pid]).fetchone()[0]
            assert reason.startswith("transient:")
    finally:
        holder.rollback()
        holder.close()
    assert main(["adopt", "requeue", "--db", cut_over, "-q"]) == 0
    with psycopg.connect(cut_over) as conn:
        assert conn.execute("select count(*) from adopt.quarantine where legacy_id = %s and legacy_table = 'post'",
                            [pid]).fetchone()[0] == 0
        assert conn.execute("select count(*) from core.post where post_id = %s", [pid]).fetchone()[0] == 1
        assert conn.execute("SELECT post.text FROM post WHERE post.id = %s", [pid]).fetchall() == [("contended post",)]
