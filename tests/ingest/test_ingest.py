"""Ingestion invariants: nothing lost, idempotent, atomic, concurrent-safe, every bad line gets a
reason. The oracle is the generator itself: every line it writes carries its expected fate."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lokdarpan_db.errors import UserError
from lokdarpan_db.ingest.load import ingest_files
from lokdarpan_db.ingest.read import fingerprint

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WARDS = ["Kapra", "Jubilee Hills", "Banjara Hills", "Mallapur", "Rein Bazar"]
FAST = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


def good(tag: str, i: int, **over) -> dict:
    obj = {"text": f"roads and water {tag} {i}", "author_name": f"author {i % 7}",
           "city": WARDS[i % len(WARDS)], "emotion": ["Hopeful", "anger", "neutral", None][i % 4],
           "party": ["TRS", "bjp", None, "Congress"][i % 4],
           "created_at": (NOW - timedelta(hours=i % 200, minutes=i % 60)).isoformat()}
    obj.update(over)
    return obj


BAD = {  # reason -> a line (text) with that defect
    "malformed_json": lambda t, i: json.dumps(good(t, i))[:-5],
    "not_an_object": lambda t, i: json.dumps([t, i]),
    "missing_text": lambda t, i: json.dumps({k: v for k, v in good(t, i).items() if k != "text"}),
    "empty_text": lambda t, i: json.dumps(good(t, i, text="   ")),
    "bad_type": lambda t, i: json.dumps(good(t, i, text=12345)),
    "bad_timestamp": lambda t, i: json.dumps(good(t, i, created_at="last tuesday")),
    "out_of_window": lambda t, i: json.dumps(good(t, i, created_at="9999-01-01T00:00:00+00:00")),
    "unknown_ward": lambda t, i: json.dumps(good(t, i, city="Atlantis")),
    "unknown_party": lambda t, i: json.dumps(good(t, i, party="Imaginary Front")),
    "nul_byte": lambda t, i: json.dumps(good(t, i, text="a\u0000b")),
    "too_long": lambda t, i: json.dumps(good(t, i, text="x" * 10001)),
}


def write_lines(path: Path, lines: list[str | bytes], newline_at_end: bool = True) -> Path:
    data = b"\n".join(x if isinstance(x, bytes) else x.encode() for x in lines)
    if newline_at_end:
        data += b"\n"
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as fh:
        fh.write(data)
    return path


def counts(conn) -> dict:
    return dict(zip(["posts", "fingerprints", "batches", "rejects"], conn.execute(
        "select (select count(*) from core.post), (select count(*) from core.post_fingerprint),"
        " (select count(*) from ingest.batch), (select count(*) from ingest.reject)").fetchone(),
        strict=True))


def assert_batches_accounted(conn):
    bad = conn.execute("select batch_id from ingest.batch where status = 'committed'"
                       " and lines_read <> inserted + duplicates + rejected").fetchall()
    assert bad == []
    assert conn.execute("select count(*) from ingest.batch where status = 'running'").fetchone()[0] == 0


plan = st.lists(st.one_of(st.just("good"), st.just("dup"), st.sampled_from(sorted(BAD))),
                min_size=0, max_size=60)


@FAST
@given(plan=plan, batch_size=st.integers(1, 25), workers=st.integers(1, 3))
def test_nothing_lost_and_idempotent(db, url, tmp_path_factory, plan, batch_size, workers):
    tag = uuid.uuid4().hex[:8]
    lines, expect_new, reasons = [], 0, []
    for i, kind in enumerate(plan):
        if kind == "good":
            lines.append(json.dumps(good(tag, i)))
            expect_new += 1
        elif kind == "dup":
            lines.append(json.dumps(good(tag, 10_000)))  # the same post every time
        else:
            lines.append(BAD[kind](tag, i))
            reasons.append(kind)
    expect_new += 1 if "dup" in plan else 0
    path = write_lines(tmp_path_factory.mktemp("in") / "posts.jsonl", lines)
    before = counts(db)
    report = ingest_files(url, [path], workers=workers, batch_size=batch_size, now=NOW, progress=False)
    after = counts(db)
    assert report.lines == len(lines)
    assert report.lines == report.inserted + report.duplicates + report.rejected
    assert report.inserted == expect_new == after["posts"] - before["posts"]
    assert after["fingerprints"] - before["fingerprints"] == expect_new
    assert sorted(report.reasons.elements()) == sorted(reasons)
    assert after["rejects"] - before["rejects"] == len(reasons)
    assert_batches_accounted(db)
    again = ingest_files(url, [path], workers=workers, batch_size=batch_size, now=NOW, progress=False)
    assert again.inserted == 0
    assert again.duplicates == len(lines) - len(reasons)
    assert counts(db)["posts"] == after["posts"]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(min_size=1, max_size=50).filter(lambda s: "\x00" not in s),
       author=st.one_of(st.none(), st.text(max_size=20).filter(lambda s: "\x00" not in s)),
       ward=st.sampled_from(WARDS), spaces=st.booleans(),
       at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.just(UTC)))
def test_loader_fingerprint_equals_sql(db, text, author, ward, spaces, at):
    city = f"  {ward.upper()} " if spaces else ward
    sql = db.execute("select core.post_fingerprint(%s, nullif(btrim(%s), ''), %s, %s)",
                     [ward, author, at, text]).fetchone()[0]
    assert fingerprint(city, author, at, text) == bytes(sql)


def test_every_defect_gets_a_reason_and_keeps_its_raw_text(db, url, tmp_path):
    lines: list[str | bytes] = [json.dumps(good("r", 1))]
    lines += [make("r", i) for i, make in enumerate(BAD.values(), 2)]
    lines.append(b'{"text": "caf\xe9", "city": "Kapra", "created_at": "2026-11-01T00:00:00+00:00"}')
    lines.append(b'{"text": "nul \x00 byte"}')
    lines.append(json.dumps(good("r", 97, text="lone \ud800 surrogate")))  # valid JSON, not storable as UTF-8
    lines.append(b'{"text": "not a number", "city": "Kapra", "created_at": NaN}')
    lines.append(b"")  # blank lines are not records
    lines.append(json.dumps(good("r", 99))[:-3])  # last line, truncated, no newline
    path = write_lines(tmp_path / "bad.jsonl", lines, newline_at_end=False)
    report = ingest_files(url, [path], workers=1, batch_size=5, now=NOW, progress=False)
    rows = db.execute("select reason_code, raw_line, raw_bytes, line_no from ingest.reject order by line_no"
                      ).fetchall()
    got = [r[0] for r in rows]
    assert got == sorted(BAD, key=list(BAD).index) + ["invalid_utf8", "nul_byte", "malformed_json",
                                                      "malformed_json", "truncated_line"]
    assert report.inserted == 1 and report.lines == 1 + len(BAD) + 5
    assert "surrogate" in rows[len(BAD) + 2][1] or "\\ud800" in rows[len(BAD) + 2][1]
    utf = rows[len(BAD)]
    assert bytes(utf[2]).startswith(b'{"text": "caf\xe9"') and "\\xe9" in utf[1]
    assert rows[-1][3] == len(lines)  # line numbers count blank lines too
    unknown = db.execute("select detail from ingest.reject where reason_code = 'unknown_ward'").fetchone()[0]
    assert "Atlantis" in unknown


def test_labels_are_normalised_and_raw_labels_kept(db, url, tmp_path):
    path = write_lines(tmp_path / "n.jsonl", [json.dumps(good("n", 0, city="  jubilee   HILLS ",
                                                               emotion="Frustrated", party="trs"))])
    ingest_files(url, [path], workers=1, now=NOW, progress=False)
    row = db.execute("select city, emotion, emotion_raw, party, party_raw from core.post").fetchone()
    assert row == ("Jubilee Hills", "negative", "Frustrated", "BRS", "trs")


def test_csv_gzip_empty_and_wrong_format(db, url, tmp_path):
    csv_path = tmp_path / "p.csv.gz"
    with gzip.open(csv_path, "wt") as fh:
        fh.write("text,author_name,city,emotion,party,created_at,epaper_id\n")
        fh.write(f'"water, roads",Ravi,Kapra,positive,BJP,{NOW.isoformat()},\n')
        fh.write("short,Ravi,Kapra,positive,BJP\n")
    report = ingest_files(url, [csv_path], workers=1, now=NOW, progress=False)
    assert (report.inserted, report.rejected, dict(report.reasons)) == (1, 1, {"malformed_csv": 1})
    empty = write_lines(tmp_path / "empty.jsonl", [], newline_at_end=False)
    assert ingest_files(url, [empty], now=NOW, progress=False).lines == 0
    bogus = tmp_path / "x.csv"
    bogus.write_text('{"text": "not csv"}\n')
    with pytest.raises(UserError, match="header lacks"):
        ingest_files(url, [bogus], now=NOW, progress=False)
    wrong = write_lines(tmp_path / "w.jsonl", ["a,b,c", "1,2,3"])
    r = ingest_files(url, [wrong], now=NOW, progress=False)
    assert r.rejected == 2 and "every line was rejected" in r.summary()
    with pytest.raises(UserError, match="no such file"):
        ingest_files(url, [tmp_path / "missing.jsonl"], progress=False)


def test_epapers_are_deduplicated_by_text(db, url, tmp_path):
    lines = [json.dumps({"publication_name": "Deccan Daily", "publication_date": "2026-11-01",
                         "raw_text": "edition \\ with backslash", "city": "kapra", "party": "bjp"}),
             json.dumps({"publication_name": "Deccan Daily", "publication_date": "2026-11-02",
                         "raw_text": "edition \\ with backslash"}),
             json.dumps({"publication_name": "", "publication_date": "2026-11-02", "raw_text": "x"})]
    path = write_lines(tmp_path / "e.jsonl", lines)
    r = ingest_files(url, [path], "epapers", progress=False)
    assert (r.inserted, r.duplicates, r.rejected) == (1, 1, 1)
    r = ingest_files(url, [path], "epapers", progress=False)
    assert (r.inserted, r.duplicates) == (0, 2)
    assert db.execute("select count(*), min(city) from core.epaper").fetchone() == (1, "Kapra")


def test_dry_run_writes_nothing(db, url, tmp_path):
    path = write_lines(tmp_path / "d.jsonl", [json.dumps(good("d", i)) for i in range(30)]
                       + [BAD["unknown_ward"]("d", 1)])
    before = counts(db)
    report = ingest_files(url, [path], batch_size=7, dry_run=True, now=NOW, progress=False)
    assert (report.inserted, report.rejected) == (30, 1)
    assert counts(db) == before


def test_concurrent_overlapping_files_never_duplicate(db, url, tmp_path):
    a = write_lines(tmp_path / "a.jsonl", [json.dumps(good("c", i)) for i in range(0, 3000)])
    b = write_lines(tmp_path / "b.jsonl", [json.dumps(good("c", i)) for i in range(1500, 4500)])
    results, errors = [], []

    def run(p):
        try:
            results.append(ingest_files(url, [p], workers=2, batch_size=250, now=NOW, progress=False))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    stop, answered, failures = threading.Event(), [], []

    def reader():
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("set lock_timeout = '2s'")
            while not stop.is_set():
                try:
                    answered.append(conn.execute("select count(*) from core.post where city = 'Kapra'"
                                                 " and created_at > now() - interval '400 days'").fetchone())
                except psycopg.Error as exc:
                    failures.append(exc)
                time.sleep(0.02)

    r = threading.Thread(target=reader)
    r.start()
    threads = [threading.Thread(target=run, args=(p,)) for p in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    r.join()
    assert errors == [] and failures == [] and len(answered) > 0
    assert sum(x.inserted for x in results) == 4500
    assert db.execute("select count(*), count(distinct fingerprint) from core.post").fetchone() == (4500, 4500)
    assert_batches_accounted(db)


def test_sigkill_mid_run_then_rerun_stores_each_post_once(db, url, tmp_path):
    n = 30_000
    path = write_lines(tmp_path / "k.jsonl", [json.dumps(good("k", i)) for i in range(n)])
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "python"))
    cmd = [sys.executable, "-m", "lokdarpan_db.cli", "ingest", "posts", str(path), "--db", url,
           "--batch-size", "500", "--workers", "2", "-q"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline and proc.poll() is None:
            if conn.execute("select count(*) from ingest.batch where status = 'committed'").fetchone()[0] >= 3:
                break
            time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with psycopg.connect(url, autocommit=True) as conn:
        partial = conn.execute("select count(*) from core.post").fetchone()[0]
        committed = conn.execute("select coalesce(sum(inserted), 0) from ingest.batch"
                                 " where status = 'committed'").fetchone()[0]
    assert partial == committed and 0 < partial < n  # every batch fully in or fully out
    assert subprocess.run(cmd, env=env, timeout=600).returncode == 0
    assert db.execute("select count(*), count(distinct fingerprint) from core.post").fetchone() == (n, n)
    assert_batches_accounted(db)


def _peak_rss_reading(path: Path) -> float:
    code = ("import resource, sys; from pathlib import Path; from lokdarpan_db.ingest.read import read_batches;"
            "n = sum(b.lines for b in read_batches(Path(sys.argv[1]), 'posts', 20000));"
            "print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "python"))
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env,
                         check=True, timeout=600).stdout.split()
    return int(out[0]), int(out[1]) / 1024


def test_reader_memory_does_not_grow_with_file_size(tmp_path):
    def write(n):
        path = tmp_path / f"m{n}.jsonl.gz"
        with gzip.open(path, "wt") as fh:
            for i in range(n):
                fh.write(json.dumps(good("m", i)) + "\n")
        return path
    small_n, small_mb = _peak_rss_reading(write(40_000))
    big_n, big_mb = _peak_rss_reading(write(320_000))
    assert (small_n, big_n) == (40_000, 320_000)
    assert big_mb < small_mb * 1.25 + 10, (small_mb, big_mb)  # 8x the lines, same peak memory
