"""SIGKILL of adopt start in the middle of the backfill, then start again: it resumes after
the last committed batch and no legacy row is copied twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psycopg

from lokdarpan_db.adopt import run

from ..conftest import ROOT
from .test_start import assert_each_row_once

POSTS = 3000


def _position(url: str) -> int | None:
    with psycopg.connect(url) as conn:
        row = conn.execute("select position from adopt.table_state where legacy_table = 'post'").fetchone() \
            if conn.execute("select to_regclass('adopt.table_state')").fetchone()[0] else None
    return row[0] if row else None


def test_sigkill_mid_backfill_then_resume(legacy_url):
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
         "--batch-size", "25", "--max-rate", "500", "-q"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pos = _position(legacy_url)
            if pos is not None and pos >= 500:
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
    killed_at = _position(legacy_url)
    assert killed_at is not None and killed_at < POSTS  # it really stopped in the middle
    with psycopg.connect(legacy_url) as conn:
        # the committed batches are complete: every id up to the position accounted for once, none after
        done = conn.execute("""
            select count(*) filter (where legacy_id <= %(p)s), count(*) filter (where legacy_id > %(p)s)
              from (select legacy_id from adopt.mapping where legacy_table = 'post'
                    union all select legacy_id from adopt.quarantine where legacy_table = 'post') x""",
                            {"p": killed_at}).fetchone()
        assert done == (conn.execute("select count(*) from public.post where id <= %s", [killed_at]).fetchone()[0], 0)
        assert conn.execute("select phase from adopt.table_state where legacy_table = 'post'").fetchone()[0] \
            == "backfilling"
    result = run.start(legacy_url, "public", "UTC", project_dir=ROOT, batch_size=400)
    post = next(r for r in result if r.table == "post")
    with psycopg.connect(legacy_url) as conn:
        after = conn.execute("select count(*) from public.post where id > %s", [killed_at]).fetchone()[0]
    assert post.rows == after  # the second run read only what the first had not committed
    assert_each_row_once(legacy_url)
    assert run.verify(legacy_url).ok
