"""`lokdarpan-db bench live` end to end on a short walk: each step's row with its locks and waits,
the traffic summary, nothing lost, the generated database dropped."""

from __future__ import annotations

import time

import psycopg

from lokdarpan_db.bench.live import LockSampler
from lokdarpan_db.cli import main


def test_bench_live_reports_each_step_and_drops_its_database(url, tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    with psycopg.connect(url) as conn:
        before = {r[0] for r in conn.execute("select datname from pg_database")}
    code = main(["bench", "live", "--db", url, "-q", "--posts", "500", "--load-at", "analytics/rollup@v1.0.0",
                 "--last", "analytics/ward_api@v1.0.0", "--clients", "2", "--rate", "10", "--out", str(out)])
    assert code == 0
    text = out.read_text()
    assert "<!-- bench:live-500 -->" in text
    for change, direction in [("ingest/staging", "deploy"), ("analytics/ward_api", "deploy"),
                              ("analytics/ward_api", "revert"), ("analytics/rollup", "revert"),
                              ("ops/integrity_check", "revert")]:
        assert f"| {change} | {direction} |" in text
    assert "| ingest/merge | revert |" in text and "| analytics/dashboard |" not in text
    assert "0 failed" in text and "**0 missing** afterwards" in text
    assert "| locks held (ms) |" in text
    with psycopg.connect(url) as conn:
        after = {r[0] for r in conn.execute("select datname from pg_database")}
    assert {d for d in after - before if d != "ld_bench_template"} == set()


def test_lock_sampler_sees_a_held_and_a_waiting_lock(url):
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table public.sampled (x int)")
    holder = psycopg.connect(url)
    waiter = psycopg.connect(url)
    with LockSampler(url, 0.01) as sampler:
        holder.execute("lock table public.sampled in share mode")
        time.sleep(0.3)
        waiter.execute("set lock_timeout = '300ms'")
        try:
            waiter.execute("lock table public.sampled in access exclusive mode")
        except psycopg.errors.LockNotAvailable:
            waiter.rollback()
        holder.rollback()
    holder.close()
    waiter.close()
    summary = sampler.summary()
    assert "ACCESS EXCL public.sampled 0 (waited" in summary and "SHARE public.sampled" in summary
    held = sampler.seen[("ShareLock", "public.sampled")]
    assert held.held_last - held.held_first >= 0.2


def test_bench_live_from_the_release_tag_walks_only_the_changes_after_it(url, tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    code = main(["bench", "live", "--db", url, "-q", "--posts", "300", "--from", "@v1.0.0",
                 "--clients", "2", "--rate", "10", "--out", str(out)])
    assert code == 0
    text = out.read_text()
    assert "<!-- bench:live-300-from-v1.0.0 -->" in text and "## Upgrade from @v1.0.0 and back" in text
    for change in ["adopt/schema", "analytics/rollup_backfill", "analytics/rollup_backfill_run"]:
        assert f"| {change} | deploy |" in text and f"| {change} | revert |" in text
    assert "| audit/ai_access |" not in text  # at the tag: neither deployed nor reverted by the walk
    assert "0 failed" in text and "**0 missing** afterwards" in text


def test_bench_live_refuses_a_from_before_the_load(url, tmp_path, capsys):
    code = main(["bench", "live", "--db", url, "-q", "--posts", "10", "--from", "core/ward",
                 "--out", str(tmp_path / "B.md")])
    assert code != 0
    assert "--from core/ward comes before --load-at core/post@v1.0.0" in capsys.readouterr().err


def test_bench_live_bulk_loads_at_a_late_change_and_walks_the_rest(url, tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    code = main(["bench", "live", "--db", url, "-q", "--posts", "2000", "--bulk", "--jobs", "2",
                 "--load-at", "analytics/ward_author", "--from", "analytics/ward_author",
                 "--clients", "2", "--rate", "10", "--out", str(out)])
    assert code == 0
    text = out.read_text()
    assert "<!-- bench:live-2000-from-analytics-ward_author -->" in text
    assert "2,000 posts loaded at `analytics/ward_author#2` in" in text and "by the bulk generator" in text
    for change in ["adopt/mapping_extra", "core/post_ward_terms", "analytics/ward_api#2"]:
        assert f"| {change} | deploy |" in text and f"| {change} | revert |" in text
    assert "| analytics/ward_author#2 |" not in text  # the walk's base: neither deployed nor reverted by it
    assert "0 failed" in text and "**0 missing** afterwards" in text


def test_bench_live_refuses_bulk_before_the_release(url, tmp_path, capsys):
    code = main(["bench", "live", "--db", url, "-q", "--posts", "10", "--bulk",
                 "--out", str(tmp_path / "B.md")])
    assert code != 0
    assert "--bulk needs --load-at @v1.0.0 or later" in capsys.readouterr().err
