"""The upgrade a DBA runs, under the application's traffic: a database at @v1.0.0 holding posts
(loaded onto the base tables before the rest of v1.0.0 was deployed, so its rollups miss them),
then one ``deploy`` of every later change and one ``revert --to @v1.0.0``. No application
statement may fail, every acknowledged write must be there afterwards, and after the deploy the
rollups hold every post (analytics/rollup_backfill_run ran while the traffic wrote)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import psycopg
import pytest

from lokdarpan_db.bench.query import generate
from lokdarpan_db.live.traffic import Traffic
from lokdarpan_db.migrations.engine import Deployer, LockRamp

from ..conftest import ROOT, db_url


@pytest.mark.slow
def test_upgrade_from_v1_and_back_under_traffic(admin_url, server_has_vector):
    if not server_has_vector:
        pytest.skip("the test server has no pgvector: the plan cannot be deployed")
    name = f"ld_upgrade_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = db_url(admin_url, name)
    try:
        engine = Deployer(url, ROOT, lock_ramp=LockRamp(budget_s=60))
        engine.deploy("core/post@v1.0.0")
        generate(url, 3000, datetime.now(UTC), lambda m: None)
        engine.deploy("@v1.0.0")
        with psycopg.connect(url, autocommit=True) as conn:
            missing_before = conn.execute("select count(*) from analytics.rollup_drift()").fetchone()[0]
        traffic = Traffic(url, clients=3, rate=8.0, duration=3600, statement_timeout_ms=30_000, seed=118)
        traffic.start()
        try:
            deployed = engine.deploy()
            with psycopg.connect(url, autocommit=True) as conn:
                # one snapshot sees posts and rollups together: exact also while the traffic writes
                hours = conn.execute("select * from analytics.rollup_drift()").fetchall()
                days = conn.execute("select * from analytics.day_rollup_drift('-infinity'::date)").fetchall()
            up_errors = [e for e in traffic.errors_between(traffic.t0, 1e18) if not e.vanished]
            reverted = engine.revert("@v1.0.0")
            assert traffic.running, "the traffic stopped before the upgrade and its revert ended"
        finally:
            result = traffic.stop()
        missing = traffic.missing_writes()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    after_tag = [c.change_id for c in engine.plan.changes[engine.plan.index_of("@v1.0.0") + 1 :]]
    assert [c.change_id for c in deployed] == after_tag
    assert [c.change_id for c in reverted] == list(reversed(after_tag))
    assert missing_before > 0, "v1.0.0 deployed onto loaded posts should leave its rollups without them"
    assert (hours, days) == ([], [])
    assert up_errors == [] and result.app_errors == [], "application statements failed: " + "; ".join(
        f"{e.kind} at {e.at:.2f}s: [{e.sqlstate}] {e.message}" for e in result.app_errors[:5]
    )
    assert result.posts_acked > 0
    assert missing == [], f"{len(missing)} acknowledged writes are gone: {missing[:5]}"
