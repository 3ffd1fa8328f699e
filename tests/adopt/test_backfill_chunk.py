"""The parallel backfill of posts and alerts (adopt.backfill_chunk): several connections give the
same result as one, the chunks are planned once and resumed, a row core refuses is quarantined
without stopping its chunk, a lock conflict is raised for the caller to retry (never quarantined),
and adopt status counts what the chunks have left."""

from __future__ import annotations

import psycopg
import pytest

from lokdarpan_db.adopt import run

from ..conftest import ROOT
from .conftest import load_legacy
from .test_start import accounting, assert_each_row_once

BULK = """
insert into public.post (text, author_id, city, emotion, party, created_at, epaper_id)
select 'bulk post ' || g, 1 + g % 3,
       (array['Jubilee Hills', 'Ward 95', 'Hyderabad', 'Kapra', null, 'Nowhere Ward'])[1 + g % 6],
       (array['Positive', 'anger', null])[1 + g % 3], (array['BJP', 'TRS', null, 'TEST'])[1 + g % 4],
       timestamp '2024-01-01' + g * interval '37 minutes', null
  from generate_series(1, 1200) g;
insert into public.alert (ward, description, severity, opportunities, threats, actionable_alerts,
                          source_articles, created_at, updated_at, status, assigned_user_id)
select (array['Kapra', 'Hyderabad', 'Ward 95'])[1 + g % 3], 'bulk alert ' || g, 'low', null, null, null, null,
       timestamp '2024-02-01' + g * interval '1 hour', timestamp '2024-02-01' + g * interval '1 hour', 'active', null
  from generate_series(1, 300) g;
-- content twins far apart: the application sent 40 posts again (same text, author, ward, time)
insert into public.post (text, author_id, city, emotion, party, created_at, epaper_id)
select p.text, p.author_id, p.city, p.emotion, p.party, p.created_at, p.epaper_id
  from public.post p where p.text in (select 'bulk post ' || g from generate_series(6, 240, 6) g) order by p.id;
"""


def _legacy(clone_db) -> str:
    url = clone_db()
    load_legacy(url)
    load_legacy(url, BULK)
    return url


def _outcome(url: str) -> tuple:
    """What the backfill made of every legacy row: quarantine reasons and the adopted core rows."""
    with psycopg.connect(url) as conn:
        return (
            conn.execute("select legacy_table, legacy_id, reason from adopt.quarantine order by 1, 2").fetchall(),
            conn.execute("select post_id, created_at, city, author_id, text, emotion, emotion_raw, party, party_raw,"
                         " fingerprint from core.post order by post_id").fetchall(),
            conn.execute("select alert_id, ward_name, severity, created_at from core.alert order by 1").fetchall(),
            conn.execute("select legacy_table, legacy_id, core_id, legacy_extra from adopt.mapping"
                         " order by 1, 2").fetchall(),
        )


def test_two_connections_copy_what_one_does(clone_db):
    one_conn, two_conn = _legacy(clone_db), _legacy(clone_db)
    run.start(one_conn, "public", "UTC", project_dir=ROOT, batch_size=40, jobs=1)
    result = run.start(two_conn, "public", "UTC", project_dir=ROOT, batch_size=40, jobs=2)
    posts = next(r for r in result if r.table == "post")
    alerts = next(r for r in result if r.table == "alert")
    counts = {t: len(legacy) for t, (legacy, _a, _q) in accounting(two_conn).items()}
    assert (posts.rows, alerts.rows) == (counts["post"], counts["alert"])
    assert posts.adopted + posts.quarantined == posts.rows and posts.quarantined > 0
    assert _outcome(two_conn) == _outcome(one_conn)
    assert_each_row_once(two_conn)
    with psycopg.connect(one_conn) as a, psycopg.connect(two_conn) as b:
        twins = """select m.legacy_id, m.duplicate_of from adopt.mapping m
                    where m.legacy_table = 'post' and m.duplicate_of is not null order by 1"""
        # the fixture's pair and the 40 above: one connection notes each twin's lower id; both keep
        # both ids (above), and with two the note names the other twin of the pair when it has one
        noted = a.execute(twins).fetchall()
        assert len(noted) == 41 and all(dup < legacy_id for legacy_id, dup in noted)
        pairs = {frozenset(p) for p in noted}
        assert all(frozenset(p) in pairs for p in b.execute(twins).fetchall())
    with psycopg.connect(two_conn) as conn:
        assert conn.execute("select count(*) from adopt.backfill_chunk").fetchone()[0] == 0
        assert conn.execute("select bool_and(phase = 'synced') from adopt.table_state").fetchone()[0]
        assert conn.execute("select count(*) from adopt.table_state where legacy_table in ('post', 'alert')"
                            " and position = backfill_until").fetchone()[0] == 2
    assert run.verify(two_conn).ok


def test_chunks_are_planned_once_and_refused_for_tables_compared_row_to_row(legacy_url):
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        load_legacy(legacy_url, BULK)
        conn.execute("select adopt.install_capture('public', 'post', 'UTC', 4::smallint)")
        until = conn.execute("select backfill_until from adopt.table_state where legacy_table = 'post'").fetchone()[0]
        assert conn.execute("select adopt.plan_backfill_chunks('post', 5)").fetchone()[0] == 5
        chunks = conn.execute("select lo, hi from adopt.backfill_chunk order by chunk_no").fetchall()
        # contiguous, covering every id up to backfill_until
        assert chunks[0][0] == 0 and chunks[-1][1] == until
        assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:], strict=False))
        # a second plan (a resumed start) keeps the chunks as they are
        assert conn.execute("select adopt.plan_backfill_chunks('post', 9)").fetchone()[0] == 5
        assert conn.execute("select lo, hi from adopt.backfill_chunk order by chunk_no").fetchall() == chunks
        for table, n, message in (("user", 2, "is not backfilled in chunks"), ("post", 0, "at least 1")):
            with pytest.raises(psycopg.errors.InvalidParameterValue, match=message):
                conn.execute("select adopt.plan_backfill_chunks(%s, %s)", [table, n])
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="capture is not installed"):
            conn.execute("select adopt.plan_backfill_chunks('alert', 2)")


def test_a_row_core_refuses_is_quarantined_and_its_chunk_goes_on(clone_db):
    url = _legacy(clone_db)
    with psycopg.connect(url, autocommit=True) as conn:
        # a rule of core's the source query does not know: the batch holding the row fails as a whole
        conn.execute("alter table core.post add constraint ck_test_no_poison check (text <> 'bulk post 702')")
    result = run.start(url, "public", "UTC", project_dir=ROOT, batch_size=50, jobs=2)
    assert_each_row_once(url)
    with psycopg.connect(url) as conn:
        legacy_id = conn.execute("select id from public.post where text = 'bulk post 702'").fetchone()[0]
        reason = conn.execute("select reason from adopt.quarantine where legacy_table = 'post' and legacy_id = %s",
                              [legacy_id]).fetchone()[0]
        assert reason.startswith("rejected: ") and "ck_test_no_poison" in reason
        # its neighbours in the same batch were adopted one by one
        assert conn.execute("select count(*) from adopt.mapping where legacy_table = 'post'"
                            " and legacy_id between %s and %s", [legacy_id - 3, legacy_id + 3]).fetchone()[0] > 0
    post = next(r for r in result if r.table == "post")
    assert post.adopted + post.quarantined == post.rows


def test_a_lock_conflict_is_raised_for_a_retry_not_quarantined(clone_db):
    url = _legacy(clone_db)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("select adopt.install_capture('public', 'post', 'UTC', 4::smallint)")
        assert conn.execute("select adopt.plan_backfill_chunks('post', 2)").fetchone()[0] == 2
    with psycopg.connect(url) as holder, psycopg.connect(url, autocommit=True) as conn:
        holder.execute("lock table core.post in share mode")  # the batch's insert waits for it
        conn.execute("set lock_timeout = '100ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            conn.execute("select * from adopt.backfill_chunk_batch('post', 100)")
        holder.rollback()
        assert conn.execute("select count(*) from adopt.quarantine").fetchone()[0] == 0
        assert conn.execute("select count(*) from adopt.backfill_chunk where position is not null").fetchone()[0] == 0
        conn.execute("reset lock_timeout")
        chunk, n, adopted, quarantined, last_id, left = conn.execute(
            "select * from adopt.backfill_chunk_batch('post', 100)").fetchone()
        assert (chunk, n, left) == (1, 100, 2) and adopted + quarantined == n
        assert conn.execute("select position from adopt.backfill_chunk where chunk_no = 1").fetchone()[0] == last_id


def test_status_counts_what_the_chunks_have_left(clone_db):
    url = _legacy(clone_db)
    with psycopg.connect(url, autocommit=True) as conn:
        for t, k in (("user", 1), ("author", 2), ("epaper", 3), ("post", 4)):
            conn.execute("select adopt.install_capture('public', %s, 'UTC', %s::smallint)", [t, k])
        total = conn.execute("select count(*) from public.post").fetchone()[0]
        conn.execute("select adopt.plan_backfill_chunks('post', 3)")
        read = sum(conn.execute("select n_rows from adopt.backfill_chunk_batch('post', 100)").fetchone()[0]
                   for _ in range(2))
    post = next(r for r in run.status(url) if r.table == "post")
    assert (post.phase, post.remaining) == ("backfilling", total - read)
