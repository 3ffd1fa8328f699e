"""adopt drain applies the capture backlog one legacy table per transaction (adopt/apply_table):
while it applies posts, the application's writes to the other legacy tables never wait for it.
Applied in one transaction (adopt.apply_capture), a drain of carried-back posts held the user,
author and e-paper apply locks until it committed: 0.47 s at 1,000,000 posts and 4.7 s at
10,000,000 of waiting e-paper and login writes during adopt rollback."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from lokdarpan_db.adopt import run
from lokdarpan_db.cli import main


def _wait_for_lock_wait(conn, pid: int, relation: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if conn.execute(
            "select exists (select 1 from pg_catalog.pg_locks where pid = %s and not granted"
            " and relation = %s::regclass)",
            [pid, relation],
        ).fetchone()[0]:
            return
        time.sleep(0.05)
    raise AssertionError(f"the drain never waited on {relation}")


def test_writes_to_other_tables_do_not_wait_while_drain_applies_posts(legacy_url):
    assert main(["adopt", "start", "--db", legacy_url, "--batch-size", "50", "-q"]) == 0
    with psycopg.connect(legacy_url, autocommit=True) as admin:
        ids = [r[0] for r in admin.execute("select id from public.post order by id limit 5").fetchall()]
        admin.execute(
            "insert into adopt.capture (legacy_table, legacy_id, op) select 'post', i, 'UPDATE' from unnest(%s::bigint[]) i",
            [ids],
        )
        # a session holding what a post apply writes (and an e-paper or login apply does not)
        holder = psycopg.connect(legacy_url)
        holder.execute("lock table core.post_fingerprint in share mode")
        drainer = psycopg.connect(legacy_url, autocommit=True)
        pid = drainer.info.backend_pid
        result: dict = {}

        def drain() -> None:
            try:
                result["applied"] = run.drain(drainer)
            except BaseException as exc:  # reported by the assertion below
                result["error"] = exc

        t = threading.Thread(target=drain)
        t.start()
        try:
            _wait_for_lock_wait(admin, pid, "core.post_fingerprint")
            with psycopg.connect(legacy_url) as app:
                app.execute("set statement_timeout = '3s'")
                eid = app.execute(
                    "insert into public.epaper (publication_name, publication_date, raw_text, created_at, sha256)"
                    " values ('Eenadu', '2024-06-01', 'drain test e-paper', '2024-06-01 06:00', 'drain-test-sha')"
                    " returning id"
                ).fetchone()[0]
                assert (
                    app.execute(
                        'update public."user" set last_login = now() where id = (select min(id) from public."user")'
                    ).rowcount
                    == 1
                )
                app.commit()
        finally:
            holder.rollback()
            holder.close()
            t.join(60)
            drainer.close()
        assert "error" not in result, result.get("error")
        assert result["applied"] >= len(ids)
        assert admin.execute("select count(*) from adopt.capture where legacy_table = 'post'").fetchone()[0] == 0
        # the e-paper write reached core synchronously, beside the drain
        assert admin.execute("select count(*) from core.epaper where epaper_id = %s", [eid]).fetchone()[0] == 1


def test_apply_capture_table_applies_one_table_and_refuses_bad_input(legacy_url):
    assert main(["adopt", "start", "--db", legacy_url, "--batch-size", "50", "-q"]) == 0
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        pid, aid = conn.execute("select min(p.id), min(p.author_id) from public.post p").fetchone()
        conn.execute(
            "insert into adopt.capture (legacy_table, legacy_id, op) values ('post', %s, 'UPDATE'), ('author', %s, 'UPDATE')",
            [pid, aid],
        )
        rows = conn.execute("select * from adopt.apply_capture_table('post', 10)").fetchall()
        assert rows == [("post", 1, 1)]
        left = conn.execute("select legacy_table from adopt.capture").fetchall()
        assert left == [("author",)]  # the other table's backlog is left to its own call
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_limit must be at least 1"):
            conn.execute("select * from adopt.apply_capture_table('author', 0)")
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="'nonesuch'"):
            conn.execute("select * from adopt.apply_capture_table('nonesuch', 10)")
        # the one-transaction form (the cutover switch) still applies every table
        assert conn.execute("select sum(n_entries) from adopt.apply_capture(10)").fetchone()[0] == 1
        assert conn.execute("select count(*) from adopt.capture").fetchone()[0] == 0


class _FakeDrainConn:
    """adopt.apply_capture_table as a backlog per table whose calls cost ``call_s`` plus
    ``cost_s`` per entry on a fake clock: records the batch size of every call."""

    def __init__(self, backlog: dict[str, int], cost_s: dict[str, float], call_s: float = 0.002):
        self.backlog, self.cost_s, self.call_s, self.now, self.calls = dict(backlog), cost_s, call_s, 0.0, []

    def clock(self) -> float:
        return self.now

    def execute(self, query: str, params=None):
        rows: list = []
        if "to_regprocedure" in query:
            rows = [("adopt.apply_capture_table(text,integer)",)]
        elif "from adopt.table_state" in query:
            rows = [(t,) for t in self.backlog]
        elif "apply_capture_table" in query:
            table, limit = params
            n = min(limit, self.backlog[table])
            self.backlog[table] -= n
            self.now += self.call_s + n * self.cost_s[table]
            self.calls.append((table, limit))
            rows = [(n,)]
        elif "exists (select 1 from adopt.capture)" in query:
            rows = [(any(self.backlog.values()),)]
        return type("R", (), {"fetchone": lambda _s: rows[0], "fetchall": lambda _s: rows})()


def test_drain_batches_shrink_until_a_transaction_is_short_and_grow_while_cheap():
    # posts cost 10 ms an entry (as at 10,000,000 posts), e-papers 0.1 ms
    conn = _FakeDrainConn({"epaper": 3000, "post": 400}, {"epaper": 0.0001, "post": 0.01})
    assert run.drain(conn, limit=500, clock=conn.clock) == 3400
    post = [limit for t, limit in conn.calls if t == "post"]
    epaper = [limit for t, limit in conn.calls if t == "epaper"]
    assert post[0] == 20 and max(post) <= 20  # 20 entries take 0.2 s: halved, never grown
    assert min(post[3:]) >= 5 and max(post[3:]) <= 10  # then about 0.1 s a transaction
    assert epaper[:6] == [20, 40, 80, 160, 320, 500]  # cheap: doubled up to the limit
    assert conn.backlog == {"epaper": 0, "post": 0}


def test_drain_stops_halving_when_a_call_costs_the_same_whatever_its_batch():
    # every post call costs 0.45 s whatever its size (a statement of it scans core.post)
    conn = _FakeDrainConn({"post": 400}, {"post": 0.0}, call_s=0.45)
    assert run.drain(conn, limit=500, clock=conn.clock) == 400
    post = [limit for _t, limit in conn.calls]
    assert post[:3] == [20, 10, 20]  # halved once, no faster: back to 20 and kept
    assert set(post[3:]) <= {20, 40, 80, 160, 320, 500} and len(post) < 25
