"""Revert fidelity for every change of the plan, and for the plan as a whole.

For each change, on a database holding every change before it: fingerprint the catalog,
deploy the change (its verify runs inside the deploy), revert it, fingerprint again — equal —
then its verify script must fail, and deploying it again must succeed. The walk goes through
the plan in order on one database, so the whole suite deploys each change about twice.
"""

from __future__ import annotations

import psycopg
import pytest

from lokdarpan_db.errors import MissingExtensionError
from lokdarpan_db.migrations.engine import Deployer
from lokdarpan_db.migrations.fingerprint import diff, fingerprint
from lokdarpan_db.migrations.plan import load_plan
from lokdarpan_db.migrations.scripts import parse_script

from ..conftest import ROOT

PLAN = load_plan(ROOT)


@pytest.fixture(scope="module")
def walk_db(admin_url, server_has_vector):
    import uuid

    from ..conftest import db_url

    if not server_has_vector:
        pytest.skip("the test server has no pgvector")
    name = f"ld_walk_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = db_url(admin_url, name)
    with psycopg.connect(url, autocommit=True) as conn:
        empty = fingerprint(conn)
    yield url, empty
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fp(url):
    with psycopg.connect(url, autocommit=True) as conn:
        return fingerprint(conn)


# changes that only run work on data the catalog does not show (the revert still must restore it)
DATA_ONLY = {"analytics/rollup_backfill_run": "one CALL that recounts the rollups from core.post"}


@pytest.mark.parametrize("change_id", [c.change_id for c in PLAN.changes])
def test_change_reverts_to_identical_catalog(walk_db, change_id):
    url, _ = walk_db
    engine = Deployer(url, ROOT)
    index = next(i for i, c in enumerate(PLAN.changes) if c.change_id == change_id)
    change = PLAN.changes[index]
    previous = PLAN.changes[index - 1].target if index > 0 else None  # name@tag for a reworked one
    if previous:
        engine.deploy(previous)  # no-op when already there
    engine.revert(previous)  # back to before
    before = _fp(url)
    engine.deploy(change.target)
    assert [c.change_id for c in engine.pending(change.target)] == []
    after_deploy = _fp(url)
    assert before != after_deploy or change_id in DATA_ONLY, f"{change_id} changed nothing in the catalog"
    engine.revert(previous)
    after = _fp(url)
    assert diff(before, after) == [], f"revert of {change_id} left differences"
    verify = parse_script(change.read("verify")).body
    with psycopg.connect(url) as conn, pytest.raises(psycopg.Error):
        conn.execute(verify)
    engine.deploy(change.target)
    assert engine.verify([change]) == [(change, None)]


def test_whole_plan_deploys_and_reverts_to_nothing(empty_db, server_has_vector):
    before = _fp(empty_db)
    engine = Deployer(empty_db, ROOT)
    if not server_has_vector:  # e.g. Debian's PostgreSQL 15: refused up front, nothing changed
        with pytest.raises(MissingExtensionError, match="extensions/vector.*'vector'.*nothing was changed"):
            engine.deploy()
        assert diff(before, _fp(empty_db)) == []
        return
    deployed = engine.deploy()
    assert len(deployed) == len(PLAN.changes)
    assert all(err is None for _, err in engine.verify())
    reverted = engine.revert()
    assert len(reverted) == len(PLAN.changes)
    assert diff(before, _fp(empty_db)) == []
    with psycopg.connect(empty_db) as conn:
        left = conn.execute(
            "select count(*) from pg_namespace where nspname = any(%s)",
            [sorted({c.module for c in PLAN.changes} | {"extensions"})]).fetchone()[0]
    assert left == 0
