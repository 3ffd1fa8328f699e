"""The live-traffic harness itself: every statement kind runs on the deployed plan, kinds follow
what exists, errors and acknowledged writes are recorded, non-loopback servers are refused."""

from __future__ import annotations

import time

import psycopg
import pytest

from lokdarpan_db.errors import UserError
from lokdarpan_db.live.traffic import DEFAULT_MIX, KINDS, Traffic
from lokdarpan_db.migrations.engine import Deployer

from ..conftest import ROOT


def _run(url, seconds=3.0, **kw) -> Traffic:
    t = Traffic(url, clients=2, rate=25.0, duration=seconds, seed=1, **kw)
    t.start()
    while t.running:
        time.sleep(0.1)
    return t


def test_every_kind_runs_on_the_deployed_plan_and_writes_are_kept(url):
    mix = {k: 1 for k in KINDS}
    t = _run(url, seconds=4.0, mix=mix)
    result = t.stop()
    assert set(t.available) == set(KINDS)
    assert {k for k, s in result.kinds.items() if s.count} == set(KINDS)
    assert result.errors == []
    assert result.posts_acked > 0 and result.alerts_acked == 2 * 3
    assert t.missing_writes() == []
    stats = result.kinds["post_insert"]
    assert stats.p50_ms <= stats.p99_ms <= stats.max_ms and stats.max_at is not None
    # a write that disappears is reported
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("delete from core.post where post_id = %s", [min(t._post_ids)])
    assert len(t.missing_writes()) == 1


def test_bounded_by_statement_count(url):
    t = _run(url, seconds=30.0, max_statements=15)
    assert sum(k.count for k in t.stop().kinds.values()) == 15


def test_kinds_follow_the_catalog_while_running(empty_db):
    engine = Deployer(empty_db, ROOT)
    engine.deploy("core/post@v1.0.0")
    t = Traffic(empty_db, clients=2, rate=20.0, duration=60, redetect_s=0.2, seed=2)
    t.start()
    try:
        assert "get_ward_intelligence_fast" not in t.available and "post_insert" in t.available
        engine.deploy("analytics/ward_api")
        deadline = time.monotonic() + 10
        while "get_ward_intelligence_fast" not in t.available and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "get_ward_intelligence_fast" in t.available
        time.sleep(1.0)
    finally:
        result = t.stop()
    assert result.kinds["get_ward_intelligence_fast"].count > 0
    assert result.app_errors == []


def test_an_error_is_recorded_with_its_kind_and_sqlstate(url):
    with psycopg.connect(url, autocommit=True) as conn:  # every insert into core.post now fails
        conn.execute("alter table core.post add constraint ck_live_test check (false) not valid")
    t = _run(url, seconds=2.0, mix={"post_insert": 1, "post_select": 1})
    result = t.stop()
    assert result.errors and all(e.kind == "post_insert" and e.sqlstate == "23514" and not e.vanished
                                 for e in result.errors)
    assert result.kinds["post_insert"].errors == len(result.errors)
    assert result.kinds["post_select"].errors == 0 and result.kinds["post_select"].count > 0


def test_only_loopback_servers(url):
    with pytest.raises(UserError, match="loopback"):
        Traffic("postgresql://u@10.20.30.40:5432/x")
    with pytest.raises(UserError, match="unknown statement kinds"):
        Traffic(url, mix={"no_such_kind": 1})
    assert set(DEFAULT_MIX) == set(KINDS)
