"""`lokdarpan-db bench query` end to end on a small dataset: every function measured, the
seeds'-way ratio, the refresh and the pgbench run reported, and the generated database dropped."""

from __future__ import annotations

import psycopg

from lokdarpan_db.cli import main


def test_bench_query_reports_every_measurement_and_drops_its_database(url, tmp_path, capsys):
    out = tmp_path / "BENCHMARKS.md"
    with psycopg.connect(url) as conn:
        before = {r[0] for r in conn.execute("select datname from pg_database")}
    code = main(["bench", "query", "--db", url, "-q", "--posts", "3000", "--passes", "1",
                 "--clients", "3", "--seconds", "2", "--out", str(out)])
    assert code == 0
    text = out.read_text()
    assert "<!-- bench:query-3000 -->" in text
    for fn in ("get_ward_intelligence_fast", "get_ward_competitive_analysis", "get_ward_sentiment_timeline",
               "search_posts (ward-filtered, all time)", "search_posts (ward-filtered, last 30 days)"):
        assert f"| {fn} |" in text
    assert "first pass p95 ms" in text and "rollups are" in text and "refresh_ward_analytics()" in text
    assert "calls/s" in text and "pgbench failed" not in text
    with psycopg.connect(url) as conn:
        after = {r[0] for r in conn.execute("select datname from pg_database")}
    assert {d for d in after - before if d != "ld_bench_template"} == set()
