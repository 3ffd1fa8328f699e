"""import-sqlite: awkward SQLite values land mapped and validated, orphans and unmappable rows go
to content.import_reject with a reason, a re-run imports only what is new, and a bad file is one
clear line with a non-zero exit."""

from __future__ import annotations

import datetime as dt
import sqlite3

import psycopg
import pytest

from lokdarpan_db import cli
from lokdarpan_db.errors import UserError
from lokdarpan_db.importers.sqlite import import_sqlite

from .sqlite_builder import add, build

UTC = dt.UTC


def A(uri, **kw):
    return {"uri": uri, **kw}


@pytest.fixture
def awkward(tmp_path):
    rows = {
        "articles": [
            A("https://n.invalid/1", title="Metro flyover opens", summary="Traffic eases",
              publication_date="2024-03-05 10:15:00", submission_date="2024-03-05T11:00:00Z",
              sentiment="Positive", driver_type="Accelerator", tags="transport, metro,,",
              credibility_score=0.8, relevance_score="75%", quality_score=" 12 ",
              analyzed=1, auto_ingested="true", ingest_status="Done"),
            A("  https://n.invalid/2 ", title=b"Caf\xe9 owners protest", summary="a\x00b",
              publication_date="Tue, 05 Mar 2024 10:00:00 GMT", submission_date=1709633400,
              analyzed="0", tags='["x", "y"]', credibility_score="1,234.5"),  # score > 100
            A("https://n.invalid/3", title=None, summary=None, publication_date="05/03/2024",
              submission_date=1709633400123, analyzed=None, quality_score=7,
              ingest_status=None),
            A("https://n.invalid/4", title="Dates", publication_date="March 5, 2024",
              relevance_score="0,75", ingest_status="pending"),
            # duplicate URI, same values: counted as a repeat
            A("https://n.invalid/4", title="Dates", publication_date="March 5, 2024",
              relevance_score="0,75", ingest_status="pending"),
            # duplicate URI, other values: rejected (the first one wins)
            A("https://n.invalid/4", title="Dates (edited)", publication_date="2024-03-06"),
            A("https://n.invalid/5", title=sqlite3.Binary(b"\x00\x01binary")),  # BLOB title
            A("https://n.invalid/6", title="Bad date", publication_date="soon"),
            A("https://n.invalid/7", title="Bad bool", analyzed="maybe"),
            A("https://n.invalid/8", title="Bad status", ingest_status="exploded"),
            A(None, title="no uri"),
            A("https://n.invalid/9", title="Latin-2 bytes \x8d", quality_score="high"),
        ],
        "raw_articles": [
            {"uri": "https://n.invalid/1", "raw_markdown": "# Metro", "last_updated": "2024-03-07"},
            {"uri": "https://n.invalid/404", "raw_markdown": "orphan body"},
            {"uri": "https://n.invalid/5", "raw_markdown": "its article was rejected"},
        ],
        "keyword_article_matches": [
            {"id": 1, "article_uri": "https://n.invalid/1", "keyword": "metro", "group_id": "3",
             "detected_at": "2024-03-05 12:00", "is_read": 0},
            {"id": 2, "article_uri": "https://n.invalid/1", "keyword": "flyover", "group_id": 3.0,
             "is_read": "yes"},
            {"id": 3, "article_uri": "https://n.invalid/nope", "keyword": "metro"},
        ],
        "article_analysis_cache": [
            {"id": 1, "article_uri": "https://n.invalid/1", "analysis_type": "summary",
             "model_used": "m1", "content": "Short", "metadata": '{"tokens": 12, "t": "a"}',
             "generated_at": "2024-03-05", "expires_at": "2024-04-05"},
            {"id": 2, "article_uri": "https://n.invalid/2", "analysis_type": "summary",
             "model_used": None, "metadata": '["p", "q"]'},
            {"id": 3, "article_uri": "https://n.invalid/3", "analysis_type": "bias",
             "model_used": "m1", "metadata": "{not json"},
        ],
    }
    return build(tmp_path / "app.db", rows)


def _one(db, q, *args):
    return db.execute(q, args).fetchone()


def test_awkward_values_are_mapped_or_rejected_with_a_reason(db, url, awkward):
    report = import_sqlite(awkward, url)
    db.execute("set timezone = 'UTC'")
    a = report.tables["articles"]
    assert (a.read, a.inserted, a.existing, a.duplicate, a.rejected) == (12, 3, 0, 1, 8)
    got = {r[0]: r[1:] for r in db.execute(
        "select uri, title, summary, publication_date, submission_date, tags, credibility_score,"
        " relevance_score, quality_score, analyzed, auto_ingested, ingest_status"
        " from content.articles order by uri")}
    assert set(got) == {"https://n.invalid/1", "https://n.invalid/3", "https://n.invalid/4"}
    assert got["https://n.invalid/1"] == (
        "Metro flyover opens", "Traffic eases", dt.datetime(2024, 3, 5, 10, 15, tzinfo=UTC),
        dt.datetime(2024, 3, 5, 11, 0, tzinfo=UTC), ["transport", "metro"], 0.8, 75.0, 12.0,
        True, True, "completed")
    assert got["https://n.invalid/3"] == (
        None, None, dt.datetime(2024, 3, 5, tzinfo=UTC),
        dt.datetime(2024, 3, 5, 10, 10, 0, 123000, tzinfo=UTC), [], None, None, 7.0,
        False, False, "pending")
    assert got["https://n.invalid/4"][0] == "Dates" and got["https://n.invalid/4"][6] == 0.75
    # the reasons, per source row
    reasons = {(r[0], r[1]): r[2] for r in db.execute(
        "select source_table, source_key, reason from content.import_reject")}
    assert reasons[("articles", "https://n.invalid/2")].startswith(
        "unmappable: credibility_score: score out of range")
    assert reasons[("articles", "https://n.invalid/4")].startswith("duplicate:")
    assert "BLOB" in reasons[("articles", "https://n.invalid/5")]
    assert "not a date: 'soon'" in reasons[("articles", "https://n.invalid/6")]
    assert "not a boolean" in reasons[("articles", "https://n.invalid/7")]
    assert "unknown ingest_status" in reasons[("articles", "https://n.invalid/8")]
    assert "missing key" in reasons[("articles", "None")]
    assert "not a number: 'high'" in reasons[("articles", "https://n.invalid/9")]
    assert reasons[("raw_articles", "https://n.invalid/404")] == \
        "orphan: article https://n.invalid/404 does not exist"
    assert reasons[("raw_articles", "https://n.invalid/5")].startswith("orphan:")
    assert reasons[("keyword_article_matches", "https://n.invalid/nope|metro")].startswith("orphan:")
    # article 2 was rejected, so its cache entry is an orphan too; 3's metadata is not JSON
    assert reasons[("article_analysis_cache", "https://n.invalid/2|summary|")].startswith("orphan:")
    assert "not JSON" in reasons[("article_analysis_cache", "https://n.invalid/3|bias|m1")]
    # the raw row is kept: bytes that are not text are kept as hex
    raw = _one(db, "select raw_row from content.import_reject where source_key = %s",
               "https://n.invalid/5")[0]
    assert raw["title"] == {"$bytes_hex": "000162696e617279"}
    assert _one(db, "select count(*) from content.import_reject")[0] == sum(
        c.rejected for c in report.tables.values())
    # dependents
    assert db.execute("select keyword, group_id, is_read, detected_at from"
                      " content.keyword_article_matches order by keyword").fetchall() == [
        ("flyover", 3, True, None), ("metro", 3, False, dt.datetime(2024, 3, 5, 12, tzinfo=UTC))]
    assert _one(db, "select metadata, generated_at from content.article_analysis_cache")[0] == \
        {"tokens": 12, "t": "a"}
    assert _one(db, "select last_updated from content.raw_articles")[0] == \
        dt.datetime(2024, 3, 7, tzinfo=UTC)
    assert report.sample_checked == 3 + 1 + 2 + 1
    run = _one(db, "select status, counts from content.import_run where import_id = %s",
               report.import_id)
    assert run[0] == "completed" and run[1]["articles"]["rejected"] == 8
    assert report.problems == []


def test_non_utf8_and_nul_text_is_recovered_and_counted(db, url, tmp_path):
    path = build(tmp_path / "t.db", {"articles": [
        A("u1", title=b"Caf\xe9", summary="x\x00y"), A("u2", title="Ünïcode ok")]})
    report = import_sqlite(path, url)
    assert report.recoded == 1 and report.nul_removed == 1
    assert db.execute("select title, summary from content.articles order by uri").fetchall() == [
        ("Café", "xy"), ("Ünïcode ok", None)]


def test_rerun_imports_only_what_is_new(db, url, awkward):
    first = import_sqlite(awkward, url)
    rejects = _one(db, "select count(*) from content.import_reject")[0]
    again = import_sqlite(awkward, url)
    for name, c in again.tables.items():
        assert c.inserted == 0, name
        assert c.existing == first.tables[name].inserted, name
        assert c.read == first.tables[name].read
    assert _one(db, "select count(*) from content.import_reject")[0] == rejects
    # new rows arrive in the application, including the article an orphan body was waiting for
    add(awkward, {"articles": [A("https://n.invalid/404", title="Late article"),
                               A("https://n.invalid/10", title="New")],
                  "keyword_article_matches": [{"article_uri": "https://n.invalid/10",
                                               "keyword": "new"}]})
    third = import_sqlite(awkward, url)
    assert third.tables["articles"].inserted == 2
    assert third.tables["raw_articles"].inserted == 1  # the orphan body, now resolved
    assert third.tables["keyword_article_matches"].inserted == 1
    assert _one(db, "select count(*) from content.import_reject where source_key = %s",
                "https://n.invalid/404")[0] == 0
    assert _one(db, "select raw_markdown from content.raw_articles where uri = %s",
                "https://n.invalid/404")[0] == "orphan body"
    assert [r[0] for r in db.execute(
        "select status from content.import_run order by import_id")] == ["completed"] * 3


def test_integrity_checks_report_rejects(db, url, awkward):
    import_sqlite(awkward, url)
    got = dict(db.execute("select check_name, status from ops.validate_data_integrity()"
                          " where check_name like 'content%'").fetchall())
    assert got == {"content_import_rejects": "WARN", "content_import_runs": "PASS"}


def _cli(capsys, *argv):
    code = cli.main(list(argv))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_cli_reports_and_fails_cleanly(db, url, awkward, tmp_path, capsys):
    code, out, err = _cli(capsys, "import-sqlite", str(awkward), "--db", url, "-q")
    assert code == 0, err
    assert "articles" in out and "validated" in out and "rows rejected" in out
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not a database\n")
    code, out, err = _cli(capsys, "import-sqlite", str(text), "--db", url)
    assert code == 1 and err.count("\n") == 1 and "is not a SQLite database" in err
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(awkward.read_bytes()[:100] + b"\xff" * 4000)
    code, out, err = _cli(capsys, "import-sqlite", str(damaged), "--db", url)
    assert code == 1 and err.count("\n") == 1 and "SQLite" in err and "Traceback" not in err
    partial = build(tmp_path / "partial.db", {"articles": [A("u")]}, skip=("raw_articles",))
    code, out, err = _cli(capsys, "import-sqlite", str(partial), "--db", url)
    assert code == 1 and "has no table raw_articles" in err and err.count("\n") == 1
    code, out, err = _cli(capsys, "import-sqlite", str(tmp_path / "absent.db"), "--db", url)
    assert code == 1 and "no such file" in err
    # nothing of the failed attempts was imported, and none of them left a run behind
    assert _one(db, "select count(*) from content.import_run")[0] == 1


def test_missing_key_column_is_a_clear_error(db, url, tmp_path):
    path = tmp_path / "nokey.db"
    conn = sqlite3.connect(path)
    conn.execute("create table articles (link, title)")
    for t in ("raw_articles (uri)", "keyword_article_matches (article_uri, keyword)",
              "article_analysis_cache (article_uri, analysis_type)"):
        conn.execute(f"create table {t}")
    conn.commit()
    conn.close()
    with pytest.raises(UserError, match="table articles lacks column"):
        import_sqlite(path, url)


def test_a_failed_load_rolls_back_and_is_recorded(db, url, tmp_path, monkeypatch):
    path = build(tmp_path / "f.db", {"articles": [A("u1", title="x")]})
    from lokdarpan_db.importers import sqlite as sqlite_import

    def boom(*a, **k):
        raise psycopg.errors.DiskFull("simulated")

    monkeypatch.setattr(sqlite_import, "_check_foreign_keys", boom)
    with pytest.raises(psycopg.errors.DiskFull):
        import_sqlite(path, url)
    assert _one(db, "select count(*) from content.articles")[0] == 0
    assert _one(db, "select status, counts->>'error' from content.import_run") == \
        ("failed", "simulated")
    assert dict(db.execute("select check_name, status from ops.validate_data_integrity()"
                           " where check_name = 'content_import_runs'").fetchall()) == \
        {"content_import_runs": "FAIL"}


def test_validation_failure_rolls_back_with_exit_8(db, url, awkward, monkeypatch, capsys):
    from lokdarpan_db.importers import sqlite as sqlite_import

    monkeypatch.setattr(sqlite_import, "_same", lambda got, want: False)
    code, _, err = _cli(capsys, "import-sqlite", str(awkward), "--db", url, "-q")
    assert code == 8 and "failed validation, nothing imported" in err and err.count("\n") == 1
    assert _one(db, "select count(*) from content.articles")[0] == 0
    assert _one(db, "select count(*) from content.import_reject")[0] == 0
    assert _one(db, "select status from content.import_run")[0] == "failed"


def test_a_second_import_waits_politely_for_the_first(db, url, awkward):
    from lokdarpan_db.errors import LockTimeoutError

    with psycopg.connect(url) as holder:
        holder.execute("select pg_advisory_xact_lock(hashtext('lokdarpan-db:import-sqlite'))")
        with pytest.raises(LockTimeoutError) as err:
            import_sqlite(awkward, url, lock_wait=0.2)
        assert err.value.exit_code == 4
    assert _one(db, "select count(*) from content.articles")[0] == 0
