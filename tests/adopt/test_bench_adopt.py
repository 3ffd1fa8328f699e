"""`lokdarpan-db bench adopt` end to end on a small legacy table under legacy traffic: backfill,
verify, the ingest comparison and the application's latency per phase are reported in the adopt
section, with no application error, and every database it made is dropped."""

from __future__ import annotations

import psycopg

from lokdarpan_db.cli import main


def test_bench_adopt_reports_backfill_verify_and_ingest(url, tmp_path, capsys):
    out = tmp_path / "BENCHMARKS.md"
    with psycopg.connect(url) as conn:
        before = {r[0] for r in conn.execute("select datname from pg_database")}
    assert main(["bench", "adopt", "--db", url, "-q", "--posts", "1500", "--batch-size", "400",
                 "--idle-seconds", "2", "--compat-seconds", "2", "--write-rate", "4", "--read-rate", "6",
                 "--out", str(out)]) == 0
    text = out.read_text()
    assert "<!-- bench:adopt -->" in text and "## Adoption" in text
    row = next(line for line in text.splitlines() if line.startswith("| 1,500 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    # adopted + quarantined: the 1,500 loaded and what the application wrote before the backfill
    assert int(cells[3].replace(",", "")) + int(cells[4].replace(",", "")) >= 1500
    assert cells[8].endswith("x")
    # the floor under the same traffic: ingest while the legacy statements still run
    assert float(cells[9]) > 0 and cells[10].endswith("x")
    assert "| ingest of the same rows into another database (the floor under the traffic)" in text
    # the legacy application's latency per phase, its errors and lost writes
    assert "| idle legacy database (floor)" in text and "| adopt cutover (switch" in text
    assert "| adopt rollback (switch" in text
    # per statement kind, idle against the compatibility objects
    assert "| statement | idle: count |" in text and "| user_by_id |" in text
    assert "Application errors: 0;" in text and "not readable as acknowledged afterwards: 0." in text
    with psycopg.connect(url) as conn:
        after = {r[0] for r in conn.execute("select datname from pg_database")}
    assert {d for d in after - before if d != "ld_bench_template"} == set()


def test_bench_adopt_section_names_its_own_block_and_refuses_a_bad_name(url, tmp_path, capsys):
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\n<!-- bench:adopt -->\n## Adoption (`lokdarpan-db bench adopt`)\n\nthe 1M run\n"
                   "<!-- /bench:adopt -->\n")
    assert main(["bench", "adopt", "--db", url, "-q", "--posts", "300", "--batch-size", "100",
                 "--write-rate", "0", "--read-rate", "0", "--section", "adopt_small", "--out", str(out)]) == 0
    text = out.read_text()
    # the default block is left as it was; the run has its own, titled with its size
    assert "the 1M run" in text and "<!-- bench:adopt_small -->" in text
    assert "## Adoption at 300 posts (`lokdarpan-db bench adopt --posts 300`)" in text
    row = next(line for line in text.splitlines() if line.startswith("| 300 |"))
    assert [c.strip() for c in row.strip("|").split("|")][9:] == ["-", "-"]  # no traffic: no floor under it
    capsys.readouterr()
    assert main(["bench", "adopt", "--db", url, "-q", "--posts", "300", "--section", "bad -->", "--out", str(out)]) == 1
    assert "--section 'bad -->': letters, digits, _ and - only" in capsys.readouterr().err
    assert out.read_text() == text


def test_bench_adopt_traffic_during_the_switches_only(url, tmp_path):
    """--traffic-during switch: the backfill runs alone, the traffic starts after verify (its
    floor is the adopted legacy database), cutover and rollback are measured under it, and no
    floor under the traffic is ingested."""
    out = tmp_path / "BENCHMARKS.md"
    assert main(["bench", "adopt", "--db", url, "-q", "--posts", "600", "--batch-size", "200",
                 "--idle-seconds", "2", "--compat-seconds", "2", "--write-rate", "4", "--read-rate", "6",
                 "--traffic-during", "switch", "--out", str(out)]) == 0
    text = out.read_text()
    assert "from after verify: around cutover and rollback only" in text
    phases = [line.split(" (")[0] for line in text.splitlines() if line.startswith("| idle legacy") or
              line.startswith("| adopt ") or line.startswith("| through ")]
    assert phases == ["| idle legacy database, adopted", "| adopt cutover", "| through the compatibility objects",
                      "| adopt rollback"]
    row = next(line for line in text.splitlines() if line.startswith("| 600 |"))
    assert int(row.strip("|").split("|")[3].replace(",", "")) == 600  # no application write before the backfill
    assert [c.strip() for c in row.strip("|").split("|")][9:] == ["-", "-"]
    assert "ingest of the same rows into another database" not in text
    assert "Application errors: 0;" in text and "not readable as acknowledged afterwards: 0." in text
