"""The lock_timeout ramp: short attempts retried with back-off, deadlocks retried like lock
timeouts, exit code 4 once the budget is spent."""

from __future__ import annotations

import re
import threading
import time

import psycopg
import pytest

from lokdarpan_db.errors import EXIT_LOCKED, ChangeFailed
from lokdarpan_db.migrations.engine import LOCK_RAMP, Deployer, LockRamp

from .test_engine import make_project


def test_default_ramp_keeps_every_attempt_short_and_lasts_about_a_minute():
    attempts = list(LOCK_RAMP.attempts())
    assert len(attempts) >= 20
    assert all(ms <= 200 for ms, _ in attempts)
    assert [ms for ms, _ in attempts[:3]] == sorted(ms for ms, _ in attempts[:3])
    assert attempts[-1][1] is None and all(p is not None and p > 0 for _, p in attempts[:-1])
    planned = sum(ms / 1000 + (p or 0) for ms, p in attempts)
    assert 40 <= planned <= LOCK_RAMP.budget_s + LOCK_RAMP.max_ms / 1000


def test_ramp_pauses_have_jitter():
    ramp = LockRamp(budget_s=30)
    runs = [[p for _, p in ramp.attempts()][:6] for _ in range(5)]
    assert len({tuple(r) for r in runs}) > 1


def _two_table_project(tmp_path, deploy_body: str):
    return make_project(tmp_path, [
        ("s/schema", "create schema s; create table s.a (x int); create table s.b (x int);",
         "drop schema s cascade;", "select 1;"),
        ("s/change", deploy_body, "drop table s.done;", "select * from s.done;"),
    ])


def _wait_for(conn, sql: str, params=(), timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not conn.execute(sql, params).fetchone()[0]:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {sql}")
        time.sleep(0.02)


def test_conflicting_lock_is_retried_in_short_attempts_until_released(tmp_path, empty_db):
    project = _two_table_project(
        tmp_path, "alter table s.a add column y int; create table s.done ();")
    messages: list[str] = []
    engine = Deployer(empty_db, project, lock_ramp=LockRamp(budget_s=20), log=messages.append)
    engine.deploy("s/schema")
    reader = psycopg.connect(empty_db)  # an open transaction that read s.a: ACCESS SHARE
    reader.execute("select * from s.a")
    names: list[str] = []

    def release():  # once the change's backend (named for pg_stat_activity) has waited
        with psycopg.connect(empty_db, autocommit=True) as watch:
            _wait_for(watch, "select exists (select 1 from pg_stat_activity where wait_event_type = 'Lock'"
                             " and application_name = 'lokdarpan-db changes')")
            names.append("seen")
        time.sleep(0.6)
        reader.rollback()

    timer = threading.Thread(target=release)
    timer.start()
    try:
        engine.deploy()
    finally:
        timer.join()
        reader.close()
    assert names == ["seen"]
    waits = [int(m) for m in re.findall(r"lock not granted in (\d+) ms", " ".join(messages))]
    assert len(waits) >= 2 and max(waits) <= 200
    assert engine.lock_retries == len(waits)
    assert all(r.deployed for r in engine.status())


def test_deadlock_inside_a_change_is_retried_not_a_failed_plan(tmp_path, empty_db):
    # The change locks s.a, pauses, then wants s.b. The other session holds s.b and, during the
    # pause, asks for s.a: a cycle. The change waits last and checks for deadlocks early
    # (deadlock_timeout 100 ms, lock_timeout 5 s), so it is the victim: 40P01 in the change,
    # which must roll back to its savepoint and run again once the other session is done.
    project = _two_table_project(tmp_path, """
        set local deadlock_timeout = '100ms';
        lock table s.a in access exclusive mode;
        select pg_sleep(0.5);
        lock table s.b in access exclusive mode;
        create table s.done ();""")
    messages: list[str] = []
    engine = Deployer(empty_db, project, lock_ramp=[(5000, 0.05)] * 5, log=messages.append)
    engine.deploy("s/schema")
    other = psycopg.connect(empty_db)
    other.execute("set deadlock_timeout = '10s'")
    other.execute("lock table s.b in row exclusive mode")
    errors: list[BaseException] = []

    def deploy():
        try:
            engine.deploy()
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    thread = threading.Thread(target=deploy)
    thread.start()
    try:
        with psycopg.connect(empty_db, autocommit=True) as watch:
            _wait_for(watch, "select exists (select 1 from pg_locks where relation = 's.a'::regclass"
                             " and mode = 'AccessExclusiveLock' and granted and pid <> %s)",
                      [other.info.backend_pid])
        other.execute("lock table s.a in row exclusive mode")  # granted once the change rolls back
        other.rollback()
    finally:
        thread.join(60)
        other.close()
    assert errors == []
    assert any("deadlock, retrying" in m for m in messages)
    assert all(r.deployed for r in engine.status())


def test_budget_spent_is_exit_code_4(tmp_path, empty_db):
    project = _two_table_project(tmp_path, "lock table s.a in access exclusive mode; create table s.done ();")
    engine = Deployer(empty_db, project, lock_ramp=LockRamp(budget_s=1.0))
    engine.deploy("s/schema")
    holder = psycopg.connect(empty_db)
    holder.execute("lock table s.a in access share mode")
    try:
        with pytest.raises(ChangeFailed, match=r"s/change: deploy could not take its locks after \d+ attempts") as info:
            engine.deploy()
    finally:
        holder.close()
    assert info.value.exit_code == EXIT_LOCKED == 4
    assert engine.lock_retries >= 3
    assert [r.deployed is not None for r in engine.status()] == [True, False]


def test_replacing_a_trigger_function_does_not_break_a_concurrent_insert(tmp_path, empty_db):
    # s.t's trigger writes s.r through s.f(). The change drops a column of s.r, pauses, then
    # replaces s.f() to match. An INSERT into s.t arriving during the pause must not run the old
    # s.f() against the new s.r ("INSERT has more expressions than target columns"): the engine
    # makes writers of s.t wait for the change, so they run the new function on the new table.
    project = make_project(tmp_path, [
        ("s/schema", """create schema s;
            create table s.r (x int, extra int);
            create table s.t (x int);
            create function s.f() returns trigger language plpgsql as
              $$ begin insert into s.r select n.x, 0 from new_rows n; return null; end $$;
            create trigger tg_t after insert on s.t referencing new table as new_rows
              for each statement execute function s.f();""",
         "drop schema s cascade;", "select 1;"),
        ("s/change", """alter table s.r drop column extra;
            select pg_sleep(0.8);
            create or replace function s.f() returns trigger language plpgsql as
              $$ begin insert into s.r select n.x from new_rows n; return null; end $$;""",
         """alter table s.r add column extra int;
            create or replace function s.f() returns trigger language plpgsql as
              $$ begin insert into s.r select n.x, 0 from new_rows n; return null; end $$;""",
         "select 1;"),
    ])
    engine = Deployer(empty_db, project, lock_ramp=LockRamp(budget_s=20))
    engine.deploy("s/schema")
    writer = psycopg.connect(empty_db, autocommit=True)
    writer.execute("insert into s.t values (1)")  # the old s.f() compiled in this session
    errors: list[BaseException] = []
    thread = threading.Thread(target=lambda: engine.deploy())
    thread.start()
    try:
        with psycopg.connect(empty_db, autocommit=True) as watch:
            _wait_for(watch, "select exists (select 1 from pg_locks where relation = 's.r'::regclass"
                             " and mode = 'AccessExclusiveLock' and granted)")
        try:
            writer.execute("insert into s.t values (2)")
        except psycopg.Error as exc:
            errors.append(exc)
    finally:
        thread.join(60)
        writer.close()
    assert errors == []
    with psycopg.connect(empty_db) as conn:
        assert sorted(r[0] for r in conn.execute("select x from s.r")) == [1, 2]


def test_tables_a_change_alters_are_locked_before_it_does_any_work(tmp_path, empty_db):
    # Altering s.a, working, then asking for s.b would let a reader holding s.b and waiting for
    # s.a fail every attempt (or deadlock it): the engine asks for both before the work starts.
    project = _two_table_project(tmp_path, """
        alter table s.a add column y int;
        select pg_sleep(1.0);
        alter table s.b add column y int;
        create table s.done ();""")
    engine = Deployer(empty_db, project, lock_ramp=LockRamp(budget_s=20))
    engine.deploy("s/schema")
    thread = threading.Thread(target=lambda: engine.deploy())
    thread.start()
    try:
        with psycopg.connect(empty_db, autocommit=True) as watch:
            # the body (one statement string) is running: its first ALTER is done or under way
            _wait_for(watch, "select exists (select 1 from pg_stat_activity where state = 'active'"
                             " and query like '%%pg_sleep(1.0)%%' and pid <> pg_backend_pid())")
            held_b = watch.execute(
                "select exists (select 1 from pg_locks where relation = 's.b'::regclass"
                " and mode = 'AccessExclusiveLock' and granted)").fetchone()[0]
    finally:
        thread.join(60)
    assert held_b
    assert all(r.deployed for r in engine.status())


def test_cli_lock_budget_gives_exit_4_in_one_line(tmp_path, empty_db):
    import subprocess
    import sys

    project = _two_table_project(tmp_path, "lock table s.a in access exclusive mode; create table s.done ();")
    Deployer(empty_db, project).deploy("s/schema")
    holder = psycopg.connect(empty_db)
    holder.execute("lock table s.a in access share mode")
    try:
        r = subprocess.run([sys.executable, "-m", "lokdarpan_db.cli", "deploy", "--db", empty_db, "--project-dir",
                            str(project), "--lock-budget", "1", "-q"], capture_output=True, text=True, timeout=120)
    finally:
        holder.close()
    assert r.returncode == EXIT_LOCKED
    assert r.stderr.count("\n") == 1 and "s/change: deploy could not take its locks" in r.stderr
