"""adopt rollback under application traffic (issue 19: the 1,000,000-post run gave up after 31
lock attempts). The switch must lock only the compatibility objects and the moved legacy tables:
`LOCK TABLE` on a view locks every relation of its query, recursively, in the same mode (core's
tables with all their partitions, adopt.mapping, adopt.quarantine), and every statement of the
application and every reader of core holds one of those. The rows written since cutover are
carried back before the switch, in short transactions beside the application."""

from __future__ import annotations

import time

import psycopg
import pytest

from lokdarpan_db.adopt import run
from lokdarpan_db.live.legacy import LegacyTraffic

from ..conftest import ROOT

pytestmark = pytest.mark.server_timers

# the objects every statement through a compatibility view reads: the switch must never wait for them
HOT = ("core.post", "adopt.mapping", "adopt.quarantine", "core.author", "core.alert")


def test_rollback_is_not_held_up_by_readers_of_core(legacy_url):
    url = legacy_url
    run.start(url, "public", "UTC", project_dir=ROOT)
    run.cutover(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO post (text, author_id, city, emotion, party, created_at, epaper_id)"
            " VALUES ('written after cutover', 1, 'Kapra', NULL, NULL, '2024-06-05', NULL)"
        )
    # a long report on core (and a reader of the adoption's bookkeeping), open for the whole rollback
    with psycopg.connect(url) as reader:
        assert reader.execute("select count(*) from core.post").fetchone()[0] > 0
        reader.execute("select count(*) from adopt.mapping").fetchone()
        reader.execute("select count(*) from adopt.quarantine").fetchone()
        # a few seconds of lock budget: a switch that needs the reader's tables gives up (55P03)
        res = run.rollback(url, lock_budget_s=4)
        assert reader.execute("select count(*) from core.post").fetchone()[0] > 0
    assert any("carried back before the switch" in m for m in res.messages)
    with psycopg.connect(url) as conn:
        assert conn.execute("select relkind from pg_class where oid = 'public.post'::regclass").fetchone()[0] == "r"
        assert conn.execute("select count(*) from public.post where text = 'written after cutover'").fetchone()[0] == 1
    assert run.verify(url).ok


def test_rollback_switch_locks_no_table_of_core_or_adopt(legacy_url):
    url = legacy_url
    run.start(url, "public", "UTC", project_dir=ROOT)
    run.cutover(url)
    with psycopg.connect(url) as conn:
        conn.execute("select * from adopt.rollback_switch()").fetchall()
        locked = [
            r[0]
            for r in conn.execute(
                "select l.relation::regclass::text from pg_locks l join pg_class c on c.oid = l.relation"
                " join pg_namespace n on n.oid = c.relnamespace"
                " where l.pid = pg_backend_pid() and l.mode = 'AccessExclusiveLock'"
                "   and (l.relation::regclass::text = any(%s)"
                "        or c.oid in (select i.inhrelid from pg_inherits i where i.inhparent = 'core.post'::regclass))",
                [list(HOT)],
            )
        ]
        conn.rollback()
    assert locked == []


def test_rollback_under_the_legacy_application_carries_every_write(legacy_url):
    url = legacy_url
    run.start(url, "public", "UTC", project_dir=ROOT)
    run.cutover(url)
    traffic = LegacyTraffic(url, clients=3, rate=15, duration=120, seed=11)
    with traffic:
        deadline = time.monotonic() + 30
        while len(traffic.acknowledged) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        res = run.rollback(url)
        n = len(traffic.acknowledged)
        while len(traffic.acknowledged) < n + 10 and time.monotonic() < deadline + 30:
            time.sleep(0.05)
    result = traffic.stop()
    assert [f"{e.kind}: {e.message}" for e in result.app_errors] == []
    assert traffic.missing_writes() == []
    carried = int(res.messages[0].split()[0])
    assert carried > 0, res.messages
    ms, kind, _at = result.longest
    print(f"rollback under traffic: switch {res.switch_s * 1000:.0f} ms; longest statement {ms:.0f} ms ({kind})")
    with psycopg.connect(url) as conn:
        assert conn.execute("select relkind from pg_class where oid = 'public.post'::regclass").fetchone()[0] == "r"
        assert conn.execute("select count(*) from adopt.compat_log").fetchone()[0] == 0
    res_v = run.verify(url)
    assert res_v.ok, (res_v.differences[:10], res_v.month_differences[:10])
