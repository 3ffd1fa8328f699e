"""`lokdarpan-db demo` then `report` end to end: the demo's posts are spread over the last N days
before the run's real "now", so the report of any ward shows them whatever the calendar says
(./test.sh runs this module again with the clock of the tests and the server moved ahead)."""

from __future__ import annotations

import psycopg

from lokdarpan_db.cli import main


def test_demo_data_is_relative_to_the_runs_now_and_the_report_shows_it(url, capsys):
    assert main(["demo", "--db", url, "-q", "--posts", "1500", "--days", "3", "--malformed", "0"]) == 0
    with psycopg.connect(url) as conn:
        n, oldest, newest, in_window = conn.execute(
            "select count(*), min(created_at) >= now() - interval '3 days 1 hour',"
            " max(created_at) <= now() + interval '1 hour',"
            " count(*) filter (where created_at >= now() - interval '7 days') from core.post").fetchone()
        busiest, busiest_n = conn.execute(
            "select city, count(*) from core.post group by city order by 2 desc, 1 limit 1").fetchone()
    assert n >= 1400 and oldest and newest and in_window == n
    capsys.readouterr()
    assert main(["report", "--db", url, "--days", "7", busiest]) == 0
    report = capsys.readouterr().out
    assert f"Ward report: {busiest}" in report
    total_line = next(line for line in report.splitlines() if line.strip().startswith("total_posts"))
    assert int(total_line.split()[-1]) == busiest_n
