"""Closed months of core.post rewritten in ward order (core.order_partition /
core.order_closed_partitions): no row lost or changed, the same catalog afterwards (names,
indexes, constraints), the physical order the policy names, each month once, nothing half-done
when the swap cannot get its lock, and the rollups untouched."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from lokdarpan_db.migrations.fingerprint import diff, fingerprint

NOV = datetime(2026, 11, 1, tzinfo=UTC)
AFTER = datetime(2026, 12, 5, tzinfo=UTC)  # November closed more than a day ago
CHECKSUM = ("select count(*), md5(string_agg(post_id::text || city || created_at::text || text || emotion"
            " || coalesce(party, '-') || search_vector::text, ',' order by post_id)) from core.post")


def _posts(db, n: int, start: datetime, seed: int = 1) -> None:
    rng = random.Random(seed)
    wards = [r[0] for r in db.execute("select ward_name from core.ward order by ward_name limit 12")]
    rows = []
    for i in range(n):
        at = start + timedelta(seconds=rng.randrange(0, 29 * 86400))
        text = f"water supply {rng.choice(['drainage', 'roads', 'metro'])} post {seed}-{i}"
        rows.append((at, rng.choice(wards), text, rng.choice(["positive", "negative", "neutral"]),
                     rng.choice(["BJP", "INC", None]), at, text))
    with db.cursor() as cur:
        cur.executemany("insert into core.post (created_at, city, text, emotion, party, fingerprint)"
                        " values (%s, %s, %s, %s, %s, core.post_fingerprint(%s, null, %s, %s))",
                        [(a, w, t, e, p, w, a2, t2) for a, w, t, e, p, a2, t2 in rows])
    db.commit()


def _physical(db, table: str) -> list[tuple]:
    return db.execute(f"select city, created_at from {table} order by ctid").fetchall()


@pytest.fixture
def november(db):
    db.autocommit = True
    db.execute("select core.create_monthly_post_partition(date '2026-11-01')")
    db.execute("select core.create_monthly_post_partition(date '2026-12-01')")
    _posts(db, 400, NOV)
    return db


def test_a_closed_month_is_rewritten_in_ward_order_and_nothing_else_changes(november):
    db = november
    assert db.execute("select order_by from core.partition_policy where parent_table = 'post'").fetchone()[0] \
        == "city, created_at"
    before_rows = db.execute(CHECKSUM).fetchone()
    before_catalog = fingerprint(db)
    assert _physical(db, "core.post_p2026_11") != sorted(_physical(db, "core.post_p2026_11"))
    out = db.execute("select * from core.order_closed_partitions(%s)", [AFTER]).fetchall()
    assert [(r[0], r[1], r[3]) for r in out] == [("core.post", "core.post_p2026_11", 400)]
    assert db.execute(CHECKSUM).fetchone() == before_rows
    assert diff(before_catalog, fingerprint(db)) == []
    got = _physical(db, "core.post_p2026_11")
    assert got == sorted(got) and len(got) == 400
    assert db.execute("select count(*) from analytics.rollup_drift()").fetchone()[0] == 0
    assert db.execute("select count(*) from analytics.ward_author_drift()").fetchone()[0] == 0
    # searching and the ward functions read the rewritten month as before
    n = db.execute("select count(*) from analytics.search_posts('water', (select min(city) from core.post),"
                   " 1000, null, %s)", [AFTER]).fetchone()[0]
    assert n == db.execute("select count(*) from core.post where city = (select min(city) from core.post)"
                           " and search_vector @@ to_tsquery('english', 'water')").fetchone()[0] > 0
    # once only; the open month is never touched
    assert db.execute("select * from core.order_closed_partitions(%s)", [AFTER]).fetchall() == []
    assert db.execute("select count(*) from core.ordered_partition where table_name = 'post_p2026_12'"
                      ).fetchone()[0] == 0


def test_a_month_that_grew_by_a_tenth_is_rewritten_again(november):
    db = november
    db.execute("select * from core.order_closed_partitions(%s)", [AFTER])
    _posts(db, 60, NOV, seed=2)  # late posts land at the end of the ordered month
    db.execute("analyze core.post_p2026_11")
    got = _physical(db, "core.post_p2026_11")
    assert got != sorted(got)
    out = db.execute("select * from core.order_closed_partitions(%s)", [AFTER]).fetchall()
    assert [r[3] for r in out] == [460]
    got = _physical(db, "core.post_p2026_11")
    assert got == sorted(got)


@pytest.mark.server_timers
def test_a_swap_that_cannot_get_its_lock_leaves_everything_as_it_was(november, url):
    db = november
    before_rows = db.execute(CHECKSUM).fetchone()
    before_catalog = fingerprint(db)
    with psycopg.connect(url) as reader:
        reader.execute("select count(*) from core.post")  # a long reader holds core.post
        with pytest.raises(psycopg.errors.LockNotAvailable, match="could not lock"):
            db.execute("select * from core.order_partition('core.post_p2026_11', '50 ms', 2)")
        reader.rollback()
    assert db.execute(CHECKSUM).fetchone() == before_rows
    assert diff(before_catalog, fingerprint(db)) == []
    assert db.execute("select to_regclass('core.post_p2026_11__order')").fetchone()[0] is None
    assert db.execute("select count(*) from core.ordered_partition").fetchone()[0] == 0


def test_only_partitions_of_a_policy_with_an_order_and_only_real_months(november):
    db = november
    with pytest.raises(psycopg.errors.UndefinedObject, match="no order"):
        db.execute("select * from core.order_partition((select format('%I.%I', partition_schema, partition_name)"
                   " from core.partitions_of('audit.audit_log') where not is_default limit 1)::regclass)")
    with pytest.raises(psycopg.errors.WrongObjectType, match="default partition"):
        db.execute("select * from core.order_partition('core.post_default')")
    with pytest.raises(psycopg.errors.WrongObjectType, match="not a partition"):
        db.execute("select * from core.order_partition('core.ward')")
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute("update core.partition_policy set order_by = 'city; drop table core.ward' where parent_table = 'post'")


def test_daily_maintenance_rewrites_closed_months(november, url):
    from lokdarpan_db.ops.maintenance import maintain

    rows = maintain(url, AFTER, refresh=False)
    ordered = [r for r in rows if r[2].startswith("ordered by")]
    assert [(r[0], r[1], r[3]) for r in ordered] == [("core.post", "core.post_p2026_11", 400)]
    assert [r for r in maintain(url, AFTER, refresh=False) if r[2].startswith("ordered by")] == []
