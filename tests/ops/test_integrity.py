"""Integrity checks registered by ops/core_checks: each passes on a clean database and fails
on the defect it is about; counts agree with a plain-Python oracle."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MINE = [
    "default_partitions",
    "duplicate_epapers",
    "future_partitions",
    "post_fingerprints",
    "post_orphans",
    "vocabularies",
    "ward_rls",
]
T0 = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)


def results(conn):
    return {
        r[0]: r[1:]
        for r in conn.execute(
            "select check_name, status, record_count, issue_description from ops.validate_data_integrity()"
        )
    }


def add_post(conn, city="Kapra", text="roads", when=T0, author_id=None, epaper_id=None, fingerprint=True):
    conn.execute(
        "insert into core.post (created_at, city, text, author_id, epaper_id, fingerprint) "
        "values (%s, %s, %s, %s, %s, core.post_fingerprint(%s, null, %s, %s))",
        [when, city, text, author_id, epaper_id, city, when, text],
    )
    if fingerprint:
        conn.execute(
            "insert into core.post_fingerprint (fingerprint, post_id, created_at) "
            "select fingerprint, post_id, created_at from core.post where text = %s "
            "on conflict do nothing",
            [text],
        )


def test_all_checks_pass_on_a_clean_database(db):
    r = results(db)
    assert set(MINE) <= set(r)
    assert {k: r[k][0] for k in MINE} == dict.fromkeys(MINE, "PASS")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Kapra", "Uppal", "Atlantis"]),
            st.sampled_from([None, "good", "gone"]),
            st.sampled_from([None, "good", "gone"]),
        ),
        max_size=8,
    )
)
def test_orphan_count_matches_oracle(db, posts):
    try:
        db.execute("alter table core.post disable trigger user")
        author = db.execute("insert into core.author (name) values ('A') returning author_id").fetchone()[0]
        epaper = db.execute(
            "insert into core.epaper (publication_name, publication_date, raw_text) "
            "values ('Deccan', '2026-11-10', 'text') returning epaper_id"
        ).fetchone()[0]
        ids = {"good": (author, epaper), "gone": (author + 1000, epaper + 1000), None: (None, None)}
        for i, (city, a, e) in enumerate(posts):
            add_post(db, city, f"post {i}", author_id=ids[a][0], epaper_id=ids[e][1])
        expected = (
            sum(city == "Atlantis" for city, _, _ in posts)
            + sum(a == "gone" for _, a, _ in posts)
            + sum(e == "gone" for _, _, e in posts)
        )
        status, count, _ = results(db)["post_orphans"]
        assert count == expected
        assert status == ("FAIL" if expected else "PASS")
    finally:
        db.rollback()


def test_fingerprint_check(db):
    add_post(db, text="with fingerprint")
    add_post(db, text="without fingerprint", fingerprint=False)
    status, count, desc = results(db)["post_fingerprints"]
    assert (status, count) == ("FAIL", 1) and "without a core.post_fingerprint row: 1" in desc
    db.execute("delete from core.post where text = 'without fingerprint'")
    db.execute("delete from core.post where text = 'with fingerprint'")
    assert results(db)["post_fingerprints"][:2] == ("WARN", 1)  # fingerprint row left dangling
    db.rollback()


def test_duplicate_epapers(db):
    for text in ("edition one", "edition one, corrected", "other"):
        pub = "Deccan Chronicle" if text != "other" else "Eenadu"
        db.execute(
            "insert into core.epaper (publication_name, publication_date, raw_text, city) "
            "values (%s, '2026-11-10', %s, 'Kapra')",
            [pub if "corrected" not in text else " deccan chronicle ", text],
        )
    assert results(db)["duplicate_epapers"][:2] == ("WARN", 1)
    db.rollback()


def test_rows_stuck_in_a_default_partition(db):
    add_post(db, when=dt.datetime(2001, 3, 5, tzinfo=dt.UTC), text="old post")
    status, count, desc = results(db)["default_partitions"]
    assert (status, count) == ("FAIL", 1) and "core.post: 1 rows in months 2001-03" in desc
    db.execute("delete from core.post_default")
    assert results(db)["default_partitions"][:2] == ("PASS", 0)
    db.rollback()


def test_missing_future_partitions(db):
    future = db.execute(
        "select partition_schema || '.' || partition_name from core.partitions_of('core.post') "
        "where not is_default order by range_from desc limit 1"
    ).fetchone()[0]
    db.execute(f"drop table {future}")
    status, count, desc = results(db)["future_partitions"]
    assert (status, count) == ("FAIL", 1) and future.split("_p")[0] in desc
    db.execute("select count(*) from core.ensure_partitions()")
    assert results(db)["future_partitions"][:2] == ("PASS", 0)
    # far in the future nothing is ready yet: every month of every policy is missing
    n = db.execute("select sum(months_ahead + 1) from core.partition_policy").fetchone()[0]
    assert db.execute(
        "select status, record_count from ops.check_future_partitions(now() + interval '20 years')"
    ).fetchone() == ("FAIL", n)
    db.rollback()


def test_vocabulary_drift(db):
    db.execute("alter table core.post drop constraint ck_post__emotion")
    add_post(db, text="drift")
    db.execute("update core.post set emotion = 'elated' where text = 'drift'")
    assert results(db)["vocabularies"][:2] == ("FAIL", 1)
    db.rollback()


def test_a_check_that_breaks_reports_fail_not_an_error(db):
    db.execute("revoke select on core.post from public")  # no-op for the superuser: still runs
    db.execute("alter table core.post rename column city to city_x")
    status, _, desc = results(db)["post_orphans"]
    assert status == "FAIL" and desc.startswith("check could not run")
    db.rollback()
