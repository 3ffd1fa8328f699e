"""adopt plan: reports the legacy tables, counts, the Alembic revision, column mapping,
dependent objects and a quarantine preview, and changes nothing (catalog and data alike)."""

from __future__ import annotations

import psycopg

from lokdarpan_db.adopt import run
from lokdarpan_db.cli import main
from lokdarpan_db.migrations.fingerprint import fingerprint


def _state(url: str) -> tuple[dict, list]:
    with psycopg.connect(url, autocommit=True) as conn:
        fp = fingerprint(conn)
        counts = conn.execute(
            "select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname in ('adopt', 'lokdarpan_meta', 'core', 'public') and c.relkind = 'r' order by 1").fetchall()
        rows = []
        for (name,) in counts:
            schema, table = name.split(".", 1)
            rows.append((name, conn.execute(
                psycopg.sql.SQL("select count(*) from {}").format(psycopg.sql.Identifier(schema, table))).fetchone()[0]))
        return fp, rows


def test_plan_reports_and_changes_nothing(legacy_url, capsys):
    before = _state(legacy_url)
    assert main(["adopt", "plan", "--db", legacy_url]) == 0
    text = capsys.readouterr().out
    assert _state(legacy_url) == before
    survey, preview = run.plan(legacy_url, "public", "UTC")
    assert _state(legacy_url) == before
    assert {t.name: t.rows for t in survey.tables} == {"user": 4, "author": 4, "epaper": 4, "post": 13, "alert": 4}
    assert survey.alembic_revision == "a1b2c3d4e5f6"
    epaper = next(t for t in survey.tables if t.name == "epaper")
    assert epaper.sequence_lags and epaper.max_id == 1002
    kinds = {(d.kind, d.name) for d in survey.dependents}
    assert ("materialized view", "ward_statistics") in kinds
    assert ("materialized view", "daily_ward_trends") in kinds
    assert ("view", "ward_performance_metrics") in kinds
    assert ("foreign key", "geopolitical_report_user_id_fkey on geopolitical_report") in kinds
    assert ("trigger", "post_search_vector_trigger") in kinds
    by_reason = {(p.table, p.reason): p.rows for p in preview}
    assert by_reason == {("user", "bad_email"): 1, ("user", "duplicate_username"): 1, ("post", "no_ward"): 2,
                         ("post", "bad_text"): 1, ("post", "unknown_ward"): 1, ("alert", "no_ward"): 1}
    assert any(e.startswith("9 Test Ward") for p in preview for e in p.examples)
    for needle in ("ward_statistics", "a1b2c3d4e5f6", "last_failed_login", "quarantine preview", "epaper_id_seq",
                   "status, assigned_user_id"):
        assert needle in text, needle


def test_plan_on_a_database_without_the_plan_writes_no_bookkeeping(legacy_empty_url, capsys):
    before = _state(legacy_empty_url)
    assert main(["adopt", "plan", "--db", legacy_empty_url]) == 0
    assert _state(legacy_empty_url) == before
    assert "needs the plan deployed" in capsys.readouterr().out
    with psycopg.connect(legacy_empty_url) as conn:
        assert conn.execute("select count(*) from pg_namespace where nspname in ('adopt', 'lokdarpan_meta', 'core')"
                            ).fetchone()[0] == 0


def test_plan_warns_when_the_server_timezone_is_not_utc(legacy_url, capsys):
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        dbname = conn.info.dbname
        conn.execute(f'alter database "{dbname}" set timezone = \'Asia/Kolkata\'')
    assert main(["adopt", "plan", "--db", legacy_url]) == 0
    assert "TimeZone is Asia/Kolkata" in capsys.readouterr().out


def test_plan_names_a_missing_schema_and_a_bad_timezone(legacy_url, capsys):
    assert main(["adopt", "plan", "--db", legacy_url, "--legacy-schema", "nope"]) == 1
    assert "schema 'nope' does not exist" in capsys.readouterr().err
    assert main(["adopt", "plan", "--db", legacy_url, "--legacy-timezone", "Mars/Olympus"]) == 1
    assert "Mars/Olympus" in capsys.readouterr().err
