"""adopt start and verify: every legacy row accounted for exactly once, by id (adopted or
quarantined), while the application keeps writing; verify passes, then catches a row changed
behind its back (exit 8)."""

from __future__ import annotations

import psycopg
import pytest

from lokdarpan_db.adopt import run
from lokdarpan_db.cli import main

from ..conftest import ROOT
from .helpers import Writer

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
        assert conn.execute("""select count(*) from adopt.mapping m
                                where m.legacy_table = 'post'
                                  and not exists (select 1 from core.post p where p.post_id = m.legacy_id)""").fetchone()[0] == 0


def test_start_adopts_the_fixture_with_the_documented_decisions(legacy_url, capsys):
    assert main(["adopt", "start", "--db", legacy_url, "--batch-size", "3", "-q"]) == 0
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
        conn.execute("alter table public.post disable trigger tg_post__adopt_capture")
        conn.execute("update public.post set text = 'changed behind its back' where id = 2")
        conn.execute("alter table public.post enable trigger tg_post__adopt_capture")
        conn.execute("alter table public.author disable trigger tg_author__adopt_capture")
        conn.execute("insert into public.author (name) values ('Nobody Saw Me')")
        conn.execute("alter table public.author enable trigger tg_author__adopt_capture")
    capsys.readouterr()
    assert main(["adopt", "verify", "--db", legacy_url]) == 8
    text = capsys.readouterr().out
    assert "post id 2: adopted content differs" in text
    assert "author id 5: neither adopted nor quarantined" in text
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
        conn.execute("update adopt.table_state set phase = 'backfilling' where legacy_table = 'post'")
        conn.execute("update public.post set text = 'captured only' where id = 2")
        conn.execute("update adopt.table_state set phase = 'synced' where legacy_table = 'post'")
    res = run.verify(legacy_url)
    assert res.ok and [r for r in res.rows if r[0] == "post"][0][4] == 1  # pending, not a difference
    run.start(legacy_url, "public", "UTC", project_dir=ROOT)
    assert run.verify(legacy_url).ok


def test_start_while_the_application_writes(legacy_url):
    with Writer(legacy_url) as writer:
        writer.wait_for(12)
        run.start(legacy_url, "public", "UTC", project_dir=ROOT, batch_size=4, max_rate=400)
        writer.wait_for(writer.writes + 12)
    assert writer.errors == []
    assert writer.writes >= 24
    run.start(legacy_url, "public", "UTC", project_dir=ROOT)  # drains what came after the backfill
    assert_each_row_once(legacy_url)
    with psycopg.connect(legacy_url) as conn:
        texts = dict(conn.execute("select id, text from public.post").fetchall())
        for pid, text in writer.posts.items():  # every acknowledged write is there, as acknowledged
            assert texts[pid] == text
        assert not set(texts) & writer.deleted
        assert conn.execute("select count(*) from adopt.capture").fetchone()[0] == 0
        adopted_texts = dict(conn.execute(
            "select p.post_id, p.text from core.post p join adopt.mapping m"
            " on m.legacy_table = 'post' and m.core_id = p.post_id").fetchall())
        quarantined = {r[0] for r in conn.execute("select legacy_id from adopt.quarantine where legacy_table = 'post'")}
        for pid, text in writer.posts.items():
            assert adopted_texts.get(pid) == text or pid in quarantined
        assert not set(adopted_texts) & writer.deleted
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
        aid = conn.execute("INSERT INTO author (name, party) VALUES ('Late Author', NULL) RETURNING author.id").fetchone()[0]
        pid = conn.execute("INSERT INTO post (text, author_id, city, emotion, party, created_at, epaper_id)"
                           " VALUES ('late', %s, 'Kapra', NULL, NULL, '2024-07-01', NULL) RETURNING post.id",
                           [aid]).fetchone()[0]
        # the post's entry applied first (as when the author's entry commits between two reads)
        conn.execute("select adopt.sync_rows('post', %s, null, null)", [[pid]])
        conn.execute("delete from adopt.capture where legacy_table = 'post'")
        assert conn.execute("select reason from adopt.quarantine where legacy_table = 'post' and legacy_id = %s",
                            [pid]).fetchone()[0] == "author_not_adopted"
    run.start(legacy_url, "public", "UTC", project_dir=ROOT)
    with psycopg.connect(legacy_url) as conn:
        assert conn.execute("select author_id from core.post where post_id = %s", [pid]).fetchone()[0] == aid
    assert_each_row_once(legacy_url)
    assert run.verify(legacy_url).ok
