"""The integrity checks over the day rollups, analytics.ward_author and its day histogram
(`lokdarpan-db health`):
PASS after real ingests, and each FAIL counts exactly the rows a defect put out of step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import ingest_posts

CHECKS = ("day_rollups_in_step", "ward_author_in_step", "ward_author_day_in_step", "rollups_in_step")


def results(conn) -> dict:
    return {r[0]: (r[1], r[2]) for r in conn.execute(
        "select check_name, status, record_count from ops.validate_data_integrity() where check_name = any(%s)",
        [list(CHECKS)])}


def ingest(url, tmp_path, n: int) -> None:
    now = datetime.now(UTC)
    report = ingest_posts(url, tmp_path / "recent.jsonl", [{
        "text": f"post {i} on drainage", "city": ["Kapra", "Uppal", "Jubilee Hills"][i % 3],
        "author_name": f"author {i % 7}", "party": ["BJP", "INC", None][i % 3 - 1],
        "emotion": ["positive", "negative", "neutral"][i % 3],
        "created_at": (now - timedelta(hours=5 * i + 1)).isoformat()} for i in range(n)])
    assert report.inserted == n


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(days=st.sets(st.integers(0, 6), min_size=1, max_size=4), authors=st.integers(1, 5))
def test_checks_pass_after_ingest_and_count_the_rows_put_out_of_step(db, url, tmp_path_factory, days, authors):
    db.rollback()
    db.autocommit = True
    db.execute("truncate core.post, core.post_fingerprint")
    ingest(url, tmp_path_factory.mktemp("derived"), 30)  # 30 posts over the last ~6 days
    assert results(db) == dict.fromkeys(CHECKS, ("PASS", 0))
    # a day row off by one in each chosen day of Kapra (when it has that day), authors forgotten
    hit = db.execute("update analytics.ward_day set posts = posts + 1, unknown = unknown + 1 where ward_name = 'Kapra' "
                     "and day = any(select analytics.ist_day(now()) - d from unnest(%s::int[]) d)",
                     [sorted(days)]).rowcount
    # authors forgotten (Jubilee Hills sorts first): ward_author misses them, and the histogram
    # still counts them on the days of their newest posts
    gone = db.execute("delete from analytics.ward_author where (ward_name, author_id) in "
                      "(select ward_name, author_id from analytics.ward_author order by 1, 2 limit %s) "
                      "returning ward_name, analytics.ist_day(last_post_at)", [authors]).fetchall()
    # and Uppal's histogram off by one on the chosen days it has
    bumped = db.execute("update analytics.ward_author_day set authors = authors + 1 where ward_name = 'Uppal' "
                        "and day = any(select analytics.ist_day(now()) - d from unnest(%s::int[]) d)",
                        [sorted(days)]).rowcount
    got = results(db)
    assert got["day_rollups_in_step"] == (("FAIL", hit) if hit else ("PASS", 0))
    assert got["ward_author_in_step"] == ("FAIL", len(gone))
    assert got["ward_author_day_in_step"] == ("FAIL", len(set(gone)) + bumped)
    assert got["rollups_in_step"] == ("PASS", 0)
