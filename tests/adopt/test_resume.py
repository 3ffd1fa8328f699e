"""SIGKILL of adopt start in the middle of the backfill, then start again: it resumes after
the last committed batch of every chunk and no legacy row is copied twice (one connection and
two: the posts are copied in chunks either way, adopt.backfill_chunk)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from lokdarpan_db.adopt import run

from ..conftest import ROOT
from .test_start import assert_each_row_once

POSTS = 3000


def _copied(url: str) -> int:
    """Legacy posts the backfill has accounted for (adopted or quarantined)."""
    with psycopg.connect(url) as conn:
        if not conn.execute("select to_regclass('adopt.backfill_chunk')").fetchone()[0]:
            return 0
        return conn.execute("select (select count(*) from adopt.mapping where legacy_table = 'post')"
                            " + (select count(*) from adopt.quarantine where legacy_table = 'post')").fetchone()[0]


def _chunk_prefixes(conn) -> str:
    """The ids the committed batches copied: per chunk (lo, position], as a SQL predicate over id."""
    rows = conn.execute("select lo, position from adopt.backfill_chunk where legacy_table = 'post'"
                        " and position is not null").fetchall()
    return " or ".join(f"(id > {lo} and id <= {pos})" for lo, pos in rows) or "false"


@pytest.mark.parametrize("jobs", [1, 2])
def test_sigkill_mid_backfill_then_resume(legacy_url, jobs):
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        conn.execute("""
            insert into public.post (text, author_id, city, emotion, party, created_at, epaper_id)
            select 'bulk post ' || g, 1 + g %% 3,
                   (array['Jubilee Hills', 'Ward 95', 'Hyderabad', 'Kapra', null, 'Nowhere Ward'])[1 + g %% 6],
                   (array['Positive', 'anger', null])[1 + g %% 3], (array['BJP', 'TRS', null, 'TEST'])[1 + g %% 4],
                   timestamp '2024-01-01' + g * interval '37 minutes', null
              from generate_series(1, %s) g""", [POSTS])
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lokdarpan_db.cli", "adopt", "start", "--db", legacy_url, "--project-dir", str(ROOT),
         "--batch-size", "25", "--max-rate", "500", "--jobs", str(jobs), "-q"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if _copied(legacy_url) >= 500:
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # the killed client's server backend may still finish (and commit) the batch it was running
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        deadline = time.monotonic() + 60
        while conn.execute("select count(*) from pg_stat_activity where datname = current_database()"
                           " and application_name = 'lokdarpan-db' and pid <> pg_backend_pid()").fetchone()[0]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    with psycopg.connect(legacy_url) as conn:
        chunks, not_done = conn.execute("select count(*), count(*) filter (where not done) from adopt.backfill_chunk"
                                        " where legacy_table = 'post'").fetchone()
        assert chunks == 4 * jobs and 0 < not_done  # it really stopped in the middle
        assert conn.execute("select phase from adopt.table_state where legacy_table = 'post'").fetchone()[0] \
            == "backfilling"
        # the committed batches are complete: every id of each chunk up to its position accounted
        # for once, none after
        copied = _chunk_prefixes(conn)
        done = conn.execute(f"""
            select count(*) filter (where {copied.replace("id", "legacy_id")}),
                   count(*) filter (where not ({copied.replace("id", "legacy_id")}))
              from (select legacy_id from adopt.mapping where legacy_table = 'post'
                    union all select legacy_id from adopt.quarantine where legacy_table = 'post') x""").fetchone()
        assert done == (conn.execute(f"select count(*) from public.post where {copied}").fetchone()[0], 0)
        left = conn.execute(f"select count(*) from public.post where not ({copied})").fetchone()[0]
        assert 0 < left < POSTS
    result = run.start(legacy_url, "public", "UTC", project_dir=ROOT, batch_size=400, jobs=jobs)
    post = next(r for r in result if r.table == "post")
    assert post.rows == left  # the second run read only what the first had not committed
    assert_each_row_once(legacy_url)
    with psycopg.connect(legacy_url) as conn:
        assert conn.execute("select count(*) from adopt.backfill_chunk").fetchone()[0] == 0
        assert conn.execute("select phase, position = backfill_until from adopt.table_state"
                            " where legacy_table = 'post'").fetchone() == ("synced", True)
    assert run.verify(legacy_url).ok
