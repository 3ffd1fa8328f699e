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
                 "--clients", "3", "--seconds", "2", "--day-posts", "300", "--out", str(out)])
    assert code == 0
    text = out.read_text()
    assert "<!-- bench:query-3000 -->" in text
    for fn in ("get_ward_intelligence_fast", "get_ward_competitive_analysis", "get_ward_sentiment_timeline",
               "search_posts (ward-filtered, all time)", "search_posts (ward-filtered, last 30 days)"):
        assert f"| {fn} |" in text
    assert "first pass p95 ms" in text and "rollups are" in text and "refresh_ward_analytics()" in text
    assert "calls/s" in text and "pgbench failed" not in text
    # the cost-growth measurements, and the growth table built from the section's data
    assert "`core.daily_partition_maintenance()` once:" in text and "Rewriting one closed month" in text
    assert "Ingest of one more day of 300 posts:" in text and "<!-- growth-data {" in text
    assert "<!-- bench:query-growth -->" in text and "| 3,000 posts | last / first |" in text
    assert "| get_ward_intelligence_fast p95 ms |" in text and "| ingest: this / empty |" in text
    with psycopg.connect(url) as conn:
        after = {r[0] for r in conn.execute("select datname from pg_database")}
    assert {d for d in after - before if d != "ld_bench_template"} == set()


def test_growth_table_compares_the_sizes_it_finds():
    from lokdarpan_db.bench.growth import data_comment, growth_table

    def run(posts, p95, ingest):
        return data_comment({"posts": posts, "functions": {"f": {"p50": 1.0, "p95": p95}}, "ingest_s": ingest,
                             "ingest_empty_s": 10.0, "db_bytes": posts * 1000, "load": "1.00/1.00/1.00"})

    text = "## a\n" + run(53_000_000, 3.0, 12.0) + "\n## b\n" + run(1_000_000, 2.0, 11.0)
    table = growth_table(text)
    assert "| measurement | 1,000,000 posts | 53,000,000 posts | last / first |" in table
    assert "| f p95 ms | 2.00 | 3.00 | 1.50x |" in table
    assert "| ingest: this / empty | 1.10 | 1.20 | 1.09x |" in table
    assert growth_table("no data here") is None


def test_bench_query_refuses_a_kept_database_behind_the_plan(url, db, capsys):
    """--database measures a kept database against an empty copy of the template: both must hold
    the same plan, or the growth table's ingest compares two different schemas."""
    from lokdarpan_db.errors import EXIT_ERROR
    from lokdarpan_db.migrations.engine import Deployer

    from ..conftest import ROOT

    db.autocommit = True
    Deployer(url, ROOT).revert("core/post_ward_terms")
    code = main(["bench", "query", "--db", url, "-q", "--database", db.info.dbname, "--passes", "1"])
    assert code == EXIT_ERROR
    # every change after core/post_ward_terms is missing, the first of them named
    from lokdarpan_db.migrations.plan import load_plan

    plan = load_plan(ROOT)
    behind = len(plan.changes) - 1 - plan.index_of("core/post_ward_terms")
    assert f"database {db.info.dbname} lacks {behind} change(s) of the plan (first analytics/ward_api#2)" in \
        capsys.readouterr().err
