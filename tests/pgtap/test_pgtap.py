"""Runs every pgTAP file under tests/pgtap/<module>/*.sql as one pytest item, in a fresh
database cloned from the deployed template, through psycopg (so files hold plain SQL, no psql
meta-commands). A file is `begin; select plan(N); ...; select * from finish(); rollback;`.
Every TAP line is collected; the item fails on any 'not ok' or a plan/count mismatch.
(`pg_prove --ext .sql -r tests/pgtap` runs the same files against a database by hand.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pglast
import psycopg
import pytest

HERE = Path(__file__).parent
FILES = sorted(HERE.rglob("*.sql"))


@pytest.fixture
def pgtap_db(db):
    try:
        db.execute("create extension if not exists pgtap")
        db.commit()
    except psycopg.Error as exc:
        pytest.skip(f"pgTAP is not installed on the test server: {exc}")
    return db


def run_tap(conn: psycopg.Connection, sql: str) -> list[str]:
    lines: list[str] = []
    conn.autocommit = True
    for stmt in pglast.parser.split(sql):
        cur = conn.execute(stmt)
        if cur.description:
            lines += [str(r[0]) for r in cur.fetchall() if r and r[0] is not None]
    return "\n".join(lines).splitlines()


@pytest.mark.parametrize("path", FILES, ids=[str(f.relative_to(HERE)) for f in FILES])
def test_pgtap_file(pgtap_db, path):
    lines = run_tap(pgtap_db, path.read_text())
    failures = [ln for ln in lines if ln.startswith("not ok")]
    plan = next((ln for ln in lines if re.match(r"^1\.\.\d+", ln)), None)
    oks = [ln for ln in lines if re.match(r"^(not )?ok \d+", ln)]
    assert plan is not None, f"{path}: no plan line"
    assert failures == [], "\n".join(lines)
    assert len(oks) == int(plan.split("..")[1]), "\n".join(lines)
    assert not any(ln.startswith("# Looks like") for ln in lines), "\n".join(lines)


def test_style_refuses_default_names_and_a_definer_without_pg_temp(pgtap_db):
    """The naming and pg_temp rules of style.sql fail on an offender (made in this database)."""
    pgtap_db.autocommit = True
    pgtap_db.execute("create table core.style_probe (probe_id bigint primary key, "
                     "ward_name text references core.ward (ward_name))")
    pgtap_db.execute("create index on core.style_probe (ward_name)")
    pgtap_db.execute("comment on table core.style_probe is 'probe'")
    pgtap_db.execute("create function core.style_probe_definer() returns int language sql stable "
                     "security definer set search_path = pg_catalog, core as $$ select 1 $$")
    lines = run_tap(pgtap_db, (HERE / "style" / "style.sql").read_text())
    failed = "\n".join(ln for ln in lines if ln.startswith("not ok"))
    assert "constraints are named" in failed
    assert "indexes are named" in failed
    assert "pg_temp last" in failed
    detail = "\n".join(lines)
    assert "style_probe_pkey" in detail and "style_probe_ward_name_fkey" in detail
