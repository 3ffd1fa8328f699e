"""A revert that would drop tables of primary data still holding rows refuses unless told
``drop_data``, naming the tables and their rows; seeded rows and derived tables may go."""

from __future__ import annotations

import psycopg
import pytest

from lokdarpan_db.cli import main
from lokdarpan_db.errors import EXIT_DATA_LOSS, DataLossRefused
from lokdarpan_db.migrations.data_guard import DERIVED, dropped_tables
from lokdarpan_db.migrations.engine import Deployer
from lokdarpan_db.migrations.plan import load_plan

from ..conftest import ROOT

POST = (
    "insert into core.post (created_at, city, text, fingerprint) values "
    "('2026-11-20 10:00+00', 'Kapra', 'a post', core.post_fingerprint('Kapra', null, '2026-11-20 10:00+00', 'a post'))"
)


def test_dropped_tables_reads_every_form_of_drop_table():
    script = """
    -- drop table core.not_this_one;
    begin;
    drop table if exists core.a, "core"."B" cascade;
    DROP TABLE analytics.c RESTRICT;
    do $$ begin drop table core.inside_a_body; end $$;
    drop function core.f();
    commit;
    """
    assert dropped_tables(script) == ["core.a", "core.b", "analytics.c"]


def test_every_derived_table_is_one_the_plan_drops():
    dropped = {t for c in load_plan(ROOT).changes for t in dropped_tables(c.read("revert"))}
    assert DERIVED <= dropped, f"not tables of the plan: {sorted(DERIVED - dropped)}"
    # primary data is never listed as derived
    assert not DERIVED & {"core.post", "core.alert", "core.app_user", "core.epaper", "core.author",
                          "electoral.result_ps", "audit.audit_log", "adopt.quarantine", "ingest.batch"}


def test_seeded_rows_and_derived_tables_never_block_a_revert(empty_db):
    engine = Deployer(empty_db, ROOT)
    engine.deploy("analytics/ward_author@v1.0.0")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        # a derived row with no post behind it (as a rollup keeps a day of 0 authors)
        conn.execute("insert into analytics.ward_author_day (ward_name, day, authors) values ('Kapra', '2026-11-20', 0)")
    # wards, vocabularies, partition policies, audit rows of the deploy's grants: all seeded
    assert engine.revert() != []


def test_a_revert_through_primary_data_refuses_and_names_the_rows(empty_db):
    engine = Deployer(empty_db, ROOT)
    engine.deploy("analytics/rollup@v1.0.0")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute(POST)
        conn.execute(POST.replace("a post", "another post"))
        conn.execute("insert into core.alert (ward_name, description, severity) values ('Kapra', 'x', 'low')")
        before = conn.execute("select count(*) from lokdarpan_meta.change").fetchone()[0]
    with pytest.raises(DataLossRefused) as err:
        engine.revert("core/ward")
    message = str(err.value)
    assert "core.post (2 row(s); dropped by core/post)" in message
    assert "core.alert (1 row(s); dropped by core/alert)" in message
    assert "core.ward" not in message and "core.post_fingerprint" not in message
    with psycopg.connect(empty_db, autocommit=True) as conn:
        assert conn.execute("select count(*) from lokdarpan_meta.change").fetchone()[0] == before
        assert conn.execute("select count(*) from core.post").fetchone()[0] == 2
    # a revert that stops above the tables holding data is not refused: the rollups are derived
    assert "analytics/rollup" in [c.change_id for c in engine.revert("core/post@v1.0.0")]
    assert {"core/post", "core/alert"} <= {c.change_id for c in engine.revert("core/ward", drop_data=True)}
    with psycopg.connect(empty_db, autocommit=True) as conn:
        assert conn.execute("select to_regclass('core.post')").fetchone()[0] is None


def test_a_changed_seed_row_counts_as_data(empty_db):
    engine = Deployer(empty_db, ROOT)
    engine.deploy("core/ward")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("update core.ward set ward_name = ward_name where ward_no = 1")
    with pytest.raises(DataLossRefused, match=r"core\.ward \(1 row\(s\); dropped by core/ward\)"):
        engine.revert()


def test_the_cli_exits_14_without_drop_data(empty_db, capsys):
    Deployer(empty_db, ROOT).deploy("core/post@v1.0.0")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute(POST)
    assert main(["revert", "--db", empty_db, "-y"]) == EXIT_DATA_LOSS
    assert "--drop-data" in capsys.readouterr().err
    assert main(["revert", "--db", empty_db, "-y", "--drop-data"]) == 0
