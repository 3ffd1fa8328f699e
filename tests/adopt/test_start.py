"""adopt start and verify: every legacy row accounted for exactly once, by id (adopted or
quarantined), while the application keeps writing; verify passes, then catches a row changed
behind its back (exit 8)."""

from __future__ import annotations

import time

import psycopg
import pytest

from lokdarpan_db.adopt import run
from lokdarpan_db.cli import main
from lokdarpan_db.live.legacy import LegacyTraffic

from ..conftest import ROOT

TABLES = ("user", "author", "epaper", "post", "alert")


def accounting(url: str) -> dict[str, tuple[set[int], set[int], set[int]]]:
    """Per legacy table: (legacy ids, adopted ids, quarantined ids)."""
    out = {}
    with psycopg.connect(url) as conn:
        for t in TABLES:
            legacy = {r[0] for r in conn.execute(psycopg.sql.SQL("select id from {}").format(
                psycopg.sql.Identifier("public", t)))}
            adopted = [r[0] for r in conn.execute("select legacy_id from adopt.mapping where legacy_table = %s", [t])]
            quarantined = [r[0] for r in conn.execute(
                "select legacy_id from adopt.quarantine where legacy_table = %s", [t])]
            assert len(adopted) == len(set(adopted)) and len(quarantined) == len(set(quarantined))
            out[t] = (legacy, set(adopted), set(quarantined))
    return out


def assert_each_row_once(url: str) -> None:
    for t, (legacy, adopted, quarantined) in accounting(url).items():
        assert adopted & quarantined == set(), t
        assert adopted | quarantined == legacy, t
    with psycopg.connect(url) as conn:
        # ids kept, no core row twice
        assert conn.execute("select count(*) - count(distinct post_id) from core.post").fetchone()[0] == 0
        # the backfill writes core.post_fingerprint's expression out: the same bytes
        n, same = conn.execute(
            "select count(*), count(*) filter (where p.fingerprint = core.post_fingerprint(p.city, a.name,"
            " p.created_at, p.text)) from core.post p left join core.author a on a.author_id = p.author_id"
        ).fetchone()
        assert n > 0 and same == n
        assert conn.execute("""select count(*) from adopt.mapping m
                                where m.legacy_table = 'post'
                                  and not exists (select 1 from core.post p where p.post_id = m.legacy_id)""").fetchone()[0] == 0


def test_start_adopts_the_fixture_with_the_documented_decisions(legacy_url, capsys):
    # one connection: the content twins' duplicate_of note names the lower id (with more, it may
    # name the other twin or be missing: tests/adopt/test_backfill_chunk.py)
    assert main(["adopt", "start", "--db", legacy_url, "--batch-size", "3", "--jobs", "1", "-q"]) == 0
    assert_each_row_once(legacy_url)
    with psycopg.connect(legacy_url) as conn:
        reasons = dict(conn.execute("select legacy_table || ':' || legacy_id, reason from adopt.quarantine").fetchall())
        assert reasons == {"user:3": "duplicate_username", "user:4": "bad_email", "post:7": "no_ward",
                           "post:8": "no_ward", "post:9": "unknown_ward", "post:13": "bad_text", "alert:3": "no_ward"}
        cities = dict(conn.execute("select post_id, city from core.post where post_id in (2, 3, 4, 5, 6)").fetchall())
        assert cities == {2: "Jubilee Hills", 3: "Jubilee Hills", 4: "Himayath Nagar", 5: "Dr A S Rao Nagar",
                          6: "Jubilee Hills"}
        # the e-paper sent twice under two sha256 maps to the one core holds; its post follows the mapping
        assert conn.execute("select core_id, duplicate_of, legacy_extra ->> 'sha256' from adopt.mapping"
                            " where legacy_table = 'epaper' and legacy_id = 1002").fetchone() == (1000, 1000,
                                                                                                 "aaa1-random-suffix")
        assert conn.execute("select epaper_id from core.post where post_id = 4").fetchone()[0] == 1000
        # duplicates by content keep both ids
        assert conn.execute("select duplicate_of from adopt.mapping where legacy_table = 'post' and legacy_id = 11"
                            ).fetchone()[0] == 10
        assert conn.execute("select legacy_extra ->> 'last_failed_login' from adopt.mapping"
                            " where legacy_table = 'user' and legacy_id = 2").fetchone()[0] == "2024-06-02T11:00:00"
        assert conn.execute("select created_at = '2024-05-02 05:30+00' from core.post where post_id = 2").fetchone()[0]
        # legacy tables untouched apart from the capture triggers; the integrity check holds
        assert conn.execute("select count(*) from public.post").fetchone()[0] == 13
        assert conn.execute("select status from ops.check_post_fingerprints()").fetchone()[0] == "PASS"
    capsys.readouterr()
    assert main(["adopt", "status", "--db", legacy_url]) == 0
    status = capsys.readouterr().out
    assert "synced" in status and "post" in status
    assert main(["adopt", "verify", "--db", legacy_url]) == 0
    assert "verify: OK" in capsys.readouterr().out


def test_verify_catches_a_row_changed_behind_its_back(legacy_url, capsys):
    assert main(["adopt", "start", "--db", legacy_url, "-q"]) == 0
    assert main(["adopt", "verify", "--db", legacy_url]) == 0
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        for t in ("post", "author"):
            conn.execute(f"alter table public.{t} disable trigger tg_{t}__adopt_capture")
            conn.execute(f"alter table public.{t} disable trigger tg_{t}__adopt_sync")
        conn.execute("update public.post set text = 'changed behind its back' where id = 2")
        conn.execute("insert into public.author (name) values ('Nobody Saw Me')")
        for t in ("post", "author"):
            conn.execute(f"alter table public.{t} enable trigger tg_{t}__adopt_capture")
            conn.execute(f"alter table public.{t} enable trigger tg_{t}__adopt_sync")
    capsys.readouterr()
    assert main(["adopt", "verify", "--db", legacy_url]) == 8
    text = capsys.readouterr().out
    assert "post id 2: adopted content differs" in text
    assert "author id 5: neither adopted nor quarantined" in text
    # per (ward, month): the checksum of post 2's group differs, the others hold
    res = run.verify(legacy_url)
    assert [(g[0], g[1].isoformat()) for g in res.month_differences] == [("Jubilee Hills", "2024-05-01")]
    assert "differing (ward, month) groups" in text and "posts per (ward, month):" in text
    groups = {(g[0], g[1].isoformat()): g[2:6] for g in res.ward_months}
    # adopted 1, 2, 3, 6, 10, 11 (resolved ward); quarantined 13 (bad_text, raw label Jubilee Hills)
    assert groups[("Jubilee Hills", "2024-05-01")] == (7, 6, 1, 0)
    assert groups[("Hyderabad", "2024-05-01")] == (1, 0, 1, 0)
    # the same change made through capture is applied in the writer's own transaction (continuous
    # apply): nothing pending, no difference
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        conn.execute("update public.post set text = 'changed in the open' where id = 2")
        conn.execute("update public.author set party = 'INC' where id = 5")
        assert conn.execute("select count(*) from adopt.capture").fetchone()[0] == 0
        assert conn.execute("select text from core.post where post_id = 2").fetchone()[0] == "changed in the open"
    res = run.verify(legacy_url)
    assert {(t, i) for t, i, _ in res.differences} == set()
    assert [r for r in res.rows if r[0] == "post"][0][4] == 0  # pending
    # a write the apply cannot handle stays pending (counted apart by verify) and is drained later
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        conn.execute("alter table public.post disable trigger tg_post__adopt_sync")
        conn.execute("update public.post set text = 'captured only' where id = 2")
        conn.execute("alter table public.post enable trigger tg_post__adopt_sync")
    res = run.verify(legacy_url)
    assert res.ok and [r for r in res.rows if r[0] == "post"][0][4] == 1  # pending, not a difference
    assert sum(g[5] for g in res.ward_months) == 1
    run.start(legacy_url, "public", "UTC", project_dir=ROOT)
    assert run.verify(legacy_url).ok


def test_start_while_the_application_writes(legacy_url):
    """The legacy application's statements (live.legacy) during the whole of adopt start: no
    error, every acknowledged write readable as acknowledged, and in core or the quarantine."""
    traffic = LegacyTraffic(legacy_url, clients=2, rate=15, duration=120, seed=11)
    with traffic:
        deadline = time.monotonic() + 30
        while len(traffic.acknowledged) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        run.start(legacy_url, "public", "UTC", project_dir=ROOT, batch_size=4, max_rate=400)
        acked = len(traffic.acknowledged)
        while len(traffic.acknowledged) < acked + 10 and time.monotonic() < deadline + 30:
            time.sleep(0.05)
    result = traffic.stop()
    assert [e.message for e in result.app_errors] == []
    assert len(traffic.acknowledged) >= 20
    assert traffic.missing_writes() == []
    print(f"longest application statement during adopt start: {result.longest[0]:.0f} ms ({result.longest[1]})")
    # continuous apply: nothing waits in the backlog, every written row adopted or quarantined
    assert_each_row_once(legacy_url)
    with psycopg.connect(legacy_url) as conn:
        assert conn.execute("select count(*) from adopt.capture").fetchone()[0] == 0
        adopted = dict(
            conn.execute(
                "select p.post_id, p.text from core.post p join adopt.mapping m"
                " on m.legacy_table = 'post' and m.core_id = p.post_id"
            ).fetchall()
        )
        quarantined = {r[0] for r in conn.execute("select legacy_id from adopt.quarantine where legacy_table = 'post'")}
        for (table, ident), text in traffic.acknowledged.items():
            if table == "post":
                assert adopted.get(ident) == text or ident in quarantined
        assert conn.execute("select last_login_at is not null from core.app_user where user_id = 2").fetchone()[0]
    assert run.verify(legacy_url).ok


def test_legacy_timezone_reads_naive_timestamps(legacy_url):
    run.start(legacy_url, "public", "Asia/Kolkata", project_dir=ROOT)
    with psycopg.connect(legacy_url) as conn:
        assert conn.execute("select created_at = '2024-04-30 18:30+00' from core.post where post_id = 1").fetchone()[0]
    with pytest.raises(run.UserError, match="started with --legacy-schema public --legacy-timezone Asia/Kolkata"):
        run.start(legacy_url, "public", "UTC", project_dir=ROOT)
    assert run.verify(legacy_url).ok


def test_requeue_after_the_dba_adds_a_ward_alias(legacy_url, capsys):
    assert main(["adopt", "start", "--db", legacy_url, "-q"]) == 0
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        conn.execute("insert into adopt.ward_alias (alias, ward_name, note) values ('test ward', 'Kapra', 'DBA')")
    capsys.readouterr()
    assert main(["adopt", "verify", "--db", legacy_url]) == 8
    assert "post id 9: quarantined (unknown_ward) but the rules now adopt it: run adopt requeue" in capsys.readouterr().out
    assert main(["adopt", "requeue", "--db", legacy_url, "--batch-size", "2"]) == 0
    with psycopg.connect(legacy_url) as conn:
        assert conn.execute("select city from core.post where post_id = 9").fetchone()[0] == "Kapra"
        assert conn.execute("select count(*) from adopt.quarantine where legacy_table = 'post'").fetchone()[0] == 3
    assert_each_row_once(legacy_url)
    assert main(["adopt", "verify", "--db", legacy_url]) == 0


def test_a_post_applied_before_its_new_author_is_retried(legacy_url):
    run.start(legacy_url, "public", "UTC", project_dir=ROOT)
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        # the author's apply did not happen (its entry waits in the backlog), the post's did
        conn.execute("alter table public.author disable trigger tg_author__adopt_sync")
        aid = conn.execute("INSERT INTO author (name, party) VALUES ('Late Author', NULL) RETURNING author.id").fetchone()[0]
        conn.execute("alter table public.author enable trigger tg_author__adopt_sync")
        pid = conn.execute("INSERT INTO post (text, author_id, city, emotion, party, created_at, epaper_id)"
                           " VALUES ('late', %s, 'Kapra', NULL, NULL, '2024-07-01', NULL) RETURNING post.id",
                           [aid]).fetchone()[0]
        assert conn.execute("select reason from adopt.quarantine where legacy_table = 'post' and legacy_id = %s",
                            [pid]).fetchone()[0] == "author_not_adopted"
        assert conn.execute("select count(*) from adopt.capture where legacy_table = 'author'").fetchone()[0] == 1
    run.start(legacy_url, "public", "UTC", project_dir=ROOT)
    with psycopg.connect(legacy_url) as conn:
        assert conn.execute("select author_id from core.post where post_id = %s", [pid]).fetchone()[0] == aid
    assert_each_row_once(legacy_url)
    assert run.verify(legacy_url).ok


def test_start_analyzes_what_each_backfill_filled_before_its_continuous_apply(legacy_url, capsys):
    """Autovacuum never analyzes a partitioned parent and lags behind a backfill: the synchronous
    apply must not plan on the statistics of the empty tables (0.3-2.5 s per legacy write after a
    1,000,000-post backfill)."""
    assert main(["adopt", "start", "--db", legacy_url]) == 0
    captured = capsys.readouterr()
    out = captured.out + captured.err  # the progress log goes to stderr
    lines = out.splitlines()
    for table in ("user", "author", "epaper", "post", "alert"):
        refreshed = next(
            i for i, ln in enumerate(lines) if f"statistics refreshed after the backfill of {table}:" in ln
        )
        applied = next(i for i, ln in enumerate(lines) if f"continuous apply installed on public.{table}" in ln)
        assert refreshed < applied
    assert "core.post, core.post_fingerprint, analytics.ward_hour" in out
    with psycopg.connect(legacy_url) as conn:
        # the parent's statistics over all partitions: only an ANALYZE of core.post itself makes them
        assert (
            conn.execute(
                "select count(*) from pg_catalog.pg_statistic where starelid = 'core.post'::regclass and stainherit"
            ).fetchone()[0]
            > 0
        )
        never = conn.execute(
            "select relid::regclass::text from pg_catalog.pg_stat_all_tables"
            " where relid = any (array['adopt.mapping', 'adopt.quarantine', 'core.app_user', 'core.author',"
            " 'core.epaper', 'core.alert', 'core.post_fingerprint', 'analytics.ward_day']::regclass[])"
            " and last_analyze is null"
        ).fetchall()
    assert never == []
