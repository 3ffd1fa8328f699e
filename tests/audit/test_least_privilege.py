"""The grants are enough for each role's job, logged in as a member of the group role (not as
a superuser): ingestion end to end as ingest, the API and health as app and analyst."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from lokdarpan_db.ingest.load import ingest_files

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def login_url(url: str, role: str) -> str:
    params = conninfo_to_dict(url)
    params["user"] = role
    params.pop("password", None)
    return make_conninfo(**params)


def test_ingest_role_loads_posts_and_analyst_reads_its_wards(db, url, roles, tmp_path):
    ingest = roles.login("lokdarpan_ingest", "ing")
    wards = ["Kapra", "Uppal", "Jubilee Hills"]
    lines = [
        json.dumps(
            {
                "text": f"water supply {i}",
                "author_name": f"author {i % 3}",
                "city": wards[i % 3],
                "emotion": "anger",
                "party": "TRS",
                "created_at": (NOW - timedelta(hours=i)).isoformat(),
            }
        )
        for i in range(30)
    ]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(lines) + "\n")
    report = ingest_files(login_url(url, ingest), [path], workers=1, now=NOW, progress=False)
    assert report.inserted == 30
    assert db.execute("select count(*) from core.post").fetchone()[0] == 30
    assert db.execute("select count(*) from ingest.batch where status = 'committed'").fetchone()[0] >= 1

    analyst = roles.login("lokdarpan_analyst", "an")
    roles.assign(analyst, "Uppal")
    with psycopg.connect(login_url(url, analyst)) as conn:
        assert conn.execute("select count(*), min(city), max(city) from core.post").fetchone() == (10, "Uppal", "Uppal")
        assert conn.execute("select count(*) from analytics.ward_hour where ward_name <> 'Uppal'").fetchone()[0] == 0
        rows = conn.execute("select ward_name, posts_30d from analytics.ward_analytics_summary_by_ward").fetchall()
        assert [r[0] for r in rows] == ["Uppal"]
        hits = conn.execute("select count(*) from analytics.search_posts('water')").fetchone()[0]
        assert hits == 10


def test_every_role_runs_health_without_missing_grants(db, url, roles):
    """app and admin run every registered check; the other roles at least the core, ops and
    analytics ones (other modules' checks read tables those roles are not granted)."""
    for group in ("lokdarpan_readonly", "lokdarpan_analyst", "lokdarpan_admin", "lokdarpan_app", "lokdarpan_ingest"):
        login = roles.login(group, group.split("_")[1][:3])
        with psycopg.connect(login_url(url, login)) as conn:
            broken = conn.execute(
                "select v.check_name, v.issue_description from ops.validate_data_integrity() v "
                "join ops.integrity_check c using (check_name) "
                "where v.issue_description like 'check could not run%%' "
                "and (%s or split_part(c.check_function, '.', 1) in ('ops', 'core', 'audit', 'analytics'))",
                [group in ("lokdarpan_app", "lokdarpan_admin")],
            ).fetchall()
            assert broken == [], (group, broken)
            assert conn.execute("select count(*) from ops.check_performance_thresholds()").fetchone()[0] == 6
