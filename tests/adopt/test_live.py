"""The legacy application's statements (live.legacy) through every phase — adopt start,
cutover, traffic through the compatibility objects, rollback, traffic on the legacy tables again —
with zero errors and every acknowledged write present, as acknowledged, after each phase. The
longest statement of each phase is recorded (printed), not asserted: timing is the benchmark's."""

from __future__ import annotations

import time

import psycopg

from lokdarpan_db.adopt import run
from lokdarpan_db.live.legacy import LegacyTraffic

from ..conftest import ROOT


def _phase(url: str, acked: dict, name: str, action, *, seed: int) -> None:
    traffic = LegacyTraffic(url, clients=2, rate=12, duration=120, seed=seed)
    with traffic:
        deadline = time.monotonic() + 30
        while len(traffic.acknowledged) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        action()
        n = len(traffic.acknowledged)
        while len(traffic.acknowledged) < n + 8 and time.monotonic() < deadline + 30:
            time.sleep(0.05)
    result = traffic.stop()
    assert [f"{e.kind}: {e.message}" for e in result.app_errors] == [], name
    acked.update(traffic.acknowledged)
    # every write acknowledged in this phase or before is readable under the legacy name
    traffic._acked = dict(acked)
    assert traffic.missing_writes() == [], name
    ms, kind, _at = result.longest
    print(f"{name}: {len(traffic.acknowledged)} writes acknowledged so far; longest statement {ms:.0f} ms ({kind})")


def _verified(url: str) -> None:
    res = run.verify(url)
    assert res.ok, (res.differences[:10], res.month_differences[:10])


def test_every_phase_under_the_legacy_application(legacy_url):
    url = legacy_url
    acked: dict = {}
    _phase(url, acked, "start", lambda: run.start(url, "public", "UTC", project_dir=ROOT, batch_size=3), seed=1)
    _verified(url)
    _phase(url, acked, "cutover", lambda: run.cutover(url), seed=2)
    _verified(url)
    _phase(url, acked, "through the compatibility objects", lambda: time.sleep(0.5), seed=3)
    _phase(url, acked, "rollback", lambda: run.rollback(url), seed=4)
    with psycopg.connect(url) as conn:
        assert conn.execute("select relkind from pg_class where oid = 'public.post'::regclass").fetchone()[0] == "r"
        # every id written through the compatibility objects is back in the legacy table
        post_ids = {i for t, i in acked if t == "post"}
        legacy = {r[0] for r in conn.execute("select id from public.post where id = any(%s)", [list(post_ids)])}
        assert legacy == post_ids
    _phase(url, acked, "legacy tables again", lambda: time.sleep(0.5), seed=5)
    _verified(url)
