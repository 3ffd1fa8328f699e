"""bench verify: one timing per deployed change (its newest occurrence), in the report."""

from __future__ import annotations

import psycopg
import pytest

from lokdarpan_db.bench.verify import TARGET_MS, empty_twin, measure, report
from lokdarpan_db.migrations.engine import Deployer

from ..conftest import ROOT


def test_every_deployed_change_is_timed_and_reported(url):
    engine = Deployer(url, ROOT)
    with empty_twin(url, ROOT, lambda m: None) as twin:
        times, floor = measure([engine, Deployer(twin, ROOT)], runs=2)
    # every change the engine verifies (a reworked change through its newest occurrence only)
    verified = {c.change_id for c, _ in engine.verify()}
    with psycopg.connect(url) as conn:
        assert verified <= set(engine.deployed_ids(conn))
    assert set(times) == verified == set(floor)
    assert all(len(v) == 2 and all(ms > 0 for ms in v) for v in [*times.values(), *floor.values()])
    md = report(times, floor, posts=0, size=1, runs=2, top=3)
    assert md.count("\n| ") == 1 + 3  # header row + the three slowest
    slowest = max(times, key=lambda c: sorted(times[c])[1])
    assert f"| {slowest} |" in md
    assert f"Over {TARGET_MS:.0f} ms" in md


def test_a_broken_verify_stops_the_measurement(url):
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop materialized view analytics.daily_ward_trends cascade")
    with pytest.raises(RuntimeError, match="verify failed before measuring: analytics/dashboard"):
        measure([Deployer(url, ROOT)], runs=1)
