"""`lokdarpan-db bench rollup_race` on a tiny load: both variants measured, the section written,
the reworked recounts failing no racing statement, and its database dropped."""

from __future__ import annotations

import re

import psycopg
import pytest

from lokdarpan_db.cli import main

# the v1.0.0 variant's racing writers deadlock on purpose: PostgreSQL resolves that on its
# deadlock_timeout, a server timer that never fires under libfaketime (the shifted-clock run)
pytestmark = pytest.mark.server_timers


def test_bench_rollup_race_compares_both_variants_and_drops_its_database(url, tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    with psycopg.connect(url) as conn:
        before = {r[0] for r in conn.execute("select datname from pg_database")}
    code = main(["bench", "rollup_race", "--db", url, "-q", "--posts", "300", "--writers", "3", "--statements",
                 "40", "--samples", "10", "--runs", "1", "--out", str(out)])
    assert code == 0
    text = out.read_text()
    assert "<!-- bench:rollup-race-300 -->" in text
    assert "| v1.0.0 recounts (reverted to `" in text
    after = re.search(r"^\| reworked recounts \(whole plan\) \|.*$", text, re.M)
    assert after is not None, text
    cells = [c.strip() for c in after.group(0).strip("|").split("|")]
    assert cells[7].startswith("0 (0 deadlocks, 0 duplicate keys)"), cells
    assert cells[9] == "0", cells  # no drift afterwards
    with psycopg.connect(url) as conn:
        left = {r[0] for r in conn.execute("select datname from pg_database")}
    assert {d for d in left - before if d != "ld_bench_template"} == set()
