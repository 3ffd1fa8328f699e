"""analytics/rollup_backfill and analytics/rollup_backfill_run: the posts that were in core.post
before analytics/rollup get into the rollups, exactly, in short batches, while the application
inserts, updates and deletes posts; killed half-way, deploying again finishes; on an empty
core.post it does nothing."""

from __future__ import annotations

import random
import threading
import time
import uuid
from datetime import UTC, datetime

import psycopg
import pytest

from lokdarpan_db.bench.query import generate
from lokdarpan_db.migrations.engine import Deployer

from ..conftest import ROOT

INSERT = """
insert into core.post (created_at, city, text, fingerprint, emotion, party)
select t, c, x, core.post_fingerprint(c, null, t, x), e, pa
  from (select p.created_at + make_interval(secs => %(s)s) as t, p.city as c, %(x)s::text as x,
               %(e)s::text as e, %(pa)s::text as pa
          from core.post p where p.post_id >= %(id)s order by p.post_id limit %(n)s) v
"""


def _exact(conn) -> tuple[list, list, int, int]:
    hours = conn.execute("select * from analytics.rollup_drift()").fetchall()
    days = conn.execute("select * from analytics.day_rollup_drift('-infinity'::date)").fetchall()
    in_rollups = conn.execute("select coalesce(sum(posts), 0) from analytics.ward_hour").fetchone()[0]
    posts = conn.execute("select count(*) from core.post").fetchone()[0]
    return hours, days, in_rollups, posts


def _loaded(url: str, posts: int, to: str) -> Deployer:
    """core/post, ``posts`` posts, then the plan up to ``to``: the posts predate the rollups."""
    engine = Deployer(url, ROOT)
    engine.deploy("core/post@v1.0.0")
    generate(url, posts, datetime.now(UTC), lambda m: None)
    engine.deploy(to)
    return engine


def test_rollup_onto_existing_posts(empty_db):
    """A post already in core.post when analytics/rollup is deployed is in the rollups once the
    plan's backfill has run."""
    engine = Deployer(empty_db, ROOT)
    engine.deploy("core/post@v1.0.0")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("insert into core.post (created_at, city, text, fingerprint) values "
                     "('2026-01-05 12:00+00', 'Kapra', 'an existing post', "
                     "core.post_fingerprint('Kapra', null, '2026-01-05 12:00+00', 'an existing post'))")
    engine.deploy("analytics/rollup@v1.0.0")  # the first occurrence (a later rework has the name too)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        before = conn.execute("select coalesce(sum(posts), 0) from analytics.ward_hour").fetchone()[0]
    engine.deploy("analytics/rollup_backfill_run")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        hour = conn.execute("select coalesce(sum(posts), 0) from analytics.ward_hour").fetchone()[0]
        day = conn.execute("select posts from analytics.ward_day where ward_name = 'Kapra' "
                           "and day = '2026-01-05'").fetchone()
        pending = conn.execute("select analytics.rollup_backfill_pending()").fetchone()[0]
    assert (before, hour, day, pending) == (0, 1, (1,), 0)


def test_backfill_of_a_loaded_database_is_exact(empty_db):
    _loaded(empty_db, 4000, "analytics/rollup_backfill")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        assert conn.execute("select analytics.rollup_backfill_pending()").fetchone()[0] == 145
        assert conn.execute("select count(*) from analytics.rollup_drift()").fetchone()[0] > 0
    said: list[str] = []
    Deployer(empty_db, ROOT, log=said.append).deploy()
    with psycopg.connect(empty_db, autocommit=True) as conn:
        hours, days, in_rollups, posts = _exact(conn)
        done = conn.execute("select count(*), count(finished_at), sum(posts) from analytics.rollup_backfill").fetchone()
    assert (hours, days, in_rollups) == ([], [], posts)
    assert done == (145, 145, posts)
    # the CALL's progress NOTICEs reach the deploy's log
    assert any(m.startswith("  analytics/rollup_backfill_run: analytics.backfill_rollups: ") for m in said), said


def test_backfill_under_concurrent_writes_never_double_counts_or_misses(empty_db):
    """Small batches (5 posts) interleaved with application inserts into the same hours, updates
    of emotion, party and time, and deletes, all firing the live triggers: afterwards both drift
    functions are empty."""
    _loaded(empty_db, 1000, "analytics/rollup_backfill")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        lo, hi = conn.execute("select min(post_id), max(post_id) from core.post").fetchone()
        # writer-writer deadlocks are found in 100 ms instead of 1 s (each holds core.post meanwhile)
        conn.execute(f"alter database \"{conn.info.dbname}\" set deadlock_timeout = '100ms'")
    stop = threading.Event()
    done: list[str] = []
    failures: list[BaseException] = []
    conflicts: list[int] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            with psycopg.connect(empty_db, autocommit=True) as conn:
                while not stop.is_set():
                    op = rng.choice(["insert", "batch", "update", "move", "delete", "tx"])
                    pid = rng.randint(lo, hi)
                    args = {"s": rng.randint(0, 1800), "x": f"concurrent {uuid.uuid4()}", "id": pid,
                            "e": rng.choice(["positive", "negative", "neutral", "mixed", "unknown"]),
                            "pa": rng.choice([None, "BJP", "INC", "BRS"]), "n": 1}
                    if op == "insert":
                        conn.execute(INSERT, args)
                    elif op == "batch":
                        conn.execute(INSERT, {**args, "n": 25})
                    elif op == "update":
                        conn.execute("update core.post set emotion = %(e)s, party = %(pa)s "
                                     "where post_id between %(id)s and %(id)s + 3", args)
                    elif op == "move":
                        conn.execute("update core.post set created_at = created_at + interval '3 hours' "
                                     "where post_id = %(id)s", args)
                    elif op == "delete":
                        conn.execute("delete from core.post where post_id = %(id)s", args)
                    else:  # a writing transaction left open for a while
                        with conn.transaction():
                            conn.execute(INSERT, {**args, "n": 5})
                            time.sleep(0.02)
                    done.append(op)
                    time.sleep(0.01)
        except (psycopg.errors.DeadlockDetected, psycopg.errors.UniqueViolation):
            # two application writers' conflict, never the backfill's (it holds no rollup row
            # while a writer runs, nor runs while one does). v1.0.0's recounts of the touched
            # hours, days and authors raced other statements' increments of the same keys; the
            # reworks of analytics/rollup and analytics/ward_author removed that
            # (test_rollup_concurrency.py holds them to zero), so this is left for the post
            # rows' own conflicts. The application retries.
            conflicts.append(seed)
            writer(seed + 100)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.3)
        with psycopg.connect(empty_db, autocommit=True) as conn:
            writes_before = len(done)
            t0 = time.monotonic()
            conn.execute("call analytics.backfill_rollups(p_batch_posts => 5)")
            print(f"backfill under writes: {time.monotonic() - t0:.1f} s, {len(conflicts)} writer-writer conflicts")
            writes_during = len(done) - writes_before
            batches = conn.execute("select sum(batches) from analytics.rollup_backfill").fetchone()[0]
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert failures == []
    assert writes_during > 30 and batches > 200, (writes_during, batches)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        hours, days, in_rollups, posts = _exact(conn)
        assert conn.execute("select analytics.rollup_backfill_pending()").fetchone()[0] == 0
    assert (hours, days, in_rollups) == ([], [], posts)


def test_killed_backfill_resumes_when_deployed_again(empty_db):
    engine = _loaded(empty_db, 3000, "analytics/rollup_backfill")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        pid = conn.info.backend_pid

        def kill_after_some_batches() -> None:
            with psycopg.connect(empty_db, autocommit=True) as watch:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    n = watch.execute("select coalesce(sum(batches), 0) from analytics.rollup_backfill").fetchone()[0]
                    if n >= 40:
                        watch.execute("select pg_cancel_backend(%s)", [pid])
                        return
                    time.sleep(0.01)

        killer = threading.Thread(target=kill_after_some_batches)
        killer.start()
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("call analytics.backfill_rollups(p_batch_posts => 2)")
        killer.join()
        pending = conn.execute("select analytics.rollup_backfill_pending()").fetchone()[0]
        kept = conn.execute("select sum(batches) from analytics.rollup_backfill").fetchone()[0]
    assert kept >= 40 and pending > 0, (kept, pending)
    engine.deploy()  # analytics/rollup_backfill_run: the same CALL, resumed
    with psycopg.connect(empty_db, autocommit=True) as conn:
        hours, days, in_rollups, posts = _exact(conn)
        total = conn.execute("select sum(batches) from analytics.rollup_backfill").fetchone()[0]
        assert conn.execute("select analytics.rollup_backfill_pending()").fetchone()[0] == 0
    assert (hours, days, in_rollups) == ([], [], posts)
    assert total >= kept  # the batches of the cancelled run were kept, not redone from the start


def test_empty_core_post_makes_it_a_no_op_and_a_second_call_does_nothing(db):
    """The template database has the whole plan deployed onto an empty core.post."""
    rows = db.execute("select count(*), count(finished_at), coalesce(sum(posts), 0), coalesce(sum(batches), 0) "
                      "from analytics.rollup_backfill").fetchone()
    wards = db.execute("select count(*) from core.ward").fetchone()[0]
    assert rows == (wards, wards, 0, 0)
    assert db.execute("select analytics.rollup_backfill_pending()").fetchone()[0] == 0


def test_bad_arguments_and_a_transaction_block_are_refused(url):
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_target_ms"):
            conn.execute("call analytics.backfill_rollups(p_target_ms => 0)")
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_batch_posts"):
            conn.execute("call analytics.backfill_rollups(p_batch_posts => 0)")
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="hour starts"):
            conn.execute("select analytics.rollup_backfill_batch('Kapra', '2026-01-01 10:00+00', '2026-01-01 12:30+00')")
        conn.execute("delete from analytics.rollup_backfill")  # as if never run: it must commit
        with pytest.raises(psycopg.errors.InvalidTransactionTermination):
            with conn.transaction():
                conn.execute("call analytics.backfill_rollups()")
