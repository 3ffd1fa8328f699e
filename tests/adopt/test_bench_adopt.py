"""`lokdarpan-db bench adopt` end to end on a small legacy table: backfill, verify and the ingest
comparison are reported in the adopt section, and every database it made is dropped."""

from __future__ import annotations

import psycopg

from lokdarpan_db.cli import main


def test_bench_adopt_reports_backfill_verify_and_ingest(url, tmp_path, capsys):
    out = tmp_path / "BENCHMARKS.md"
    with psycopg.connect(url) as conn:
        before = {r[0] for r in conn.execute("select datname from pg_database")}
    assert main(["bench", "adopt", "--db", url, "-q", "--posts", "1500", "--batch-size", "400",
                 "--out", str(out)]) == 0
    text = out.read_text()
    assert "<!-- bench:adopt -->" in text and "## Adoption" in text
    row = next(line for line in text.splitlines() if line.startswith("| 1,500 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert int(cells[3].replace(",", "")) + int(cells[4].replace(",", "")) == 1500  # adopted + quarantined
    assert cells[8].endswith("x")
    with psycopg.connect(url) as conn:
        after = {r[0] for r in conn.execute("select datname from pg_database")}
    assert {d for d in after - before if d != "ld_bench_template"} == set()
