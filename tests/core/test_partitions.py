"""Partition placement and maintenance: every instant lands in the partition whose bounds hold
it (or the default one); maintenance is idempotent, safe under concurrent callers, moves
default-partition rows without losing any, and detaches instead of deleting."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lokdarpan_db.ops.maintenance import maintain

ZONES = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8)),
         timezone(timedelta(hours=14)), timezone(timedelta(hours=-11, minutes=-30))]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def bounds_of(conn, tableoid):
    row = conn.execute("select is_default, range_from::timestamptz, range_to::timestamptz, partition_name"
                       " from core.partitions_of('core.post') where partition_oid = %s", [tableoid]).fetchone()
    return row


@SETTINGS
@given(at=st.one_of(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.sampled_from(ZONES)),
    st.sampled_from([datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
                     datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC),
                     datetime(2026, 4, 1, 0, 0, tzinfo=UTC),
                     datetime(2026, 3, 8, 2, 30, tzinfo=timezone(timedelta(hours=-8))),
                     datetime(2026, 11, 1, 5, 29, 59, tzinfo=timezone(timedelta(hours=5, minutes=30)))])))
def test_every_instant_lands_in_the_partition_that_holds_it(db, at):
    db.execute("set time zone 'Asia/Kolkata'")
    row = db.execute("insert into core.post (created_at, city, text, fingerprint) values (%s, 'Kapra', 'p',"
                     " core.post_fingerprint('Kapra', null, %s, 'p')) returning tableoid, created_at", [at, at]).fetchone()
    is_default, lo, hi, name = bounds_of(db, row[0])
    if is_default:
        covering = db.execute("select count(*) from core.partitions_of('core.post') where not is_default"
                              " and %s >= range_from::timestamptz and %s < range_to::timestamptz", [at, at]).fetchone()[0]
        assert covering == 0
    else:
        assert lo <= at < hi
        utc = at.astimezone(UTC)
        assert name == f"post_p{utc.year:04d}_{utc.month:02d}"
    db.rollback()


def test_maintenance_is_idempotent_and_moves_default_rows(db, url):
    db.autocommit = True  # maintenance runs on its own connection and needs the parent's locks
    now = datetime(2026, 11, 22, tzinfo=UTC)
    far = [datetime(2030, 5, 17, 8, 0, tzinfo=UTC), datetime(2030, 5, 1, 0, 0, tzinfo=UTC),
           datetime(2030, 6, 1, 0, 0, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC)]
    for i, at in enumerate(far):
        db.execute("insert into core.post (created_at, city, text, fingerprint) values (%s, 'Kapra', %s,"
                   " core.post_fingerprint('Kapra', null, %s, %s))", [at, f"far {i}", at, f"far {i}"])
    db.commit()
    checksum = "select count(*), md5(string_agg(text || created_at::text, ',' order by post_id)) from core.post"
    before = db.execute(checksum).fetchone()
    assert db.execute("select count(*) from core.post_default").fetchone()[0] == 4
    first = maintain(url, now + timedelta(days=365 * 3 + 200), refresh=False)
    moved = [r for r in first if r[2].startswith("created, rows moved")]
    assert sorted((r[1], r[3]) for r in moved) == [("post_p2030_05", 2), ("post_p2030_06", 1)]
    assert any("outside the partition guard" in r[2] and r[3] == 1 for r in first)
    assert db.execute(checksum).fetchone() == before
    assert db.execute("select count(*) from core.post_default").fetchone()[0] == 1  # year 9999 stays
    again = maintain(url, now + timedelta(days=365 * 3 + 200), refresh=False)
    assert [r for r in again if not r[2].startswith("left in default")] == []
    # every index of the parent exists on the partitions created by moving rows
    missing = db.execute("""
        select count(*) from core.partitions_of('core.post') p
        cross join (select indexrelid from pg_index where indrelid = 'core.post'::regclass) pi
        where not exists (select 1 from pg_inherits i join pg_index x on x.indexrelid = i.inhrelid
                          where i.inhparent = pi.indexrelid and x.indrelid = p.partition_oid)""").fetchone()[0]
    assert missing == 0


def test_concurrent_callers_create_each_partition_once(db, url):
    now = datetime(2031, 1, 15, tzinfo=UTC)
    results, errors = [], []

    def call():
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                results.append(conn.execute("select * from core.ensure_partitions(%s, 'core.post'::regclass)",
                                            [now]).fetchall())
        except psycopg.Error as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    created = [r[1] for rs in results for r in rs]
    assert len(created) == len(set(created)) > 0
    names = [r[0] for r in db.execute("select partition_name from core.partitions_of('core.post')")]
    assert len(names) == len(set(names))


def test_retention_detaches_keeps_data_readable_then_drops_after_grace(db):
    now = datetime(2026, 11, 22, tzinfo=UTC)
    old = datetime(2026, 1, 10, tzinfo=UTC)
    db.execute("select core.create_monthly_post_partition(%s::date)", [old.date()])
    db.execute("insert into core.post (created_at, city, text, fingerprint) values (%s, 'Kapra', 'old',"
               " core.post_fingerprint('Kapra', null, %s, 'old'))", [old, old])
    db.execute("update core.partition_policy set retention_months = 6, drop_detached_after = '30 days'"
               " where parent_table = 'post'")
    rows = db.execute("select * from core.detach_old_partitions(%s, 'core.post'::regclass)", [now]).fetchall()
    assert ("core.post", "post_p2026_01", "detached", 1) in rows
    assert db.execute("select count(*) from core.post where text = 'old'").fetchone()[0] == 0
    assert db.execute("select text from core.post_p2026_01").fetchone()[0] == "old"  # still readable
    later = db.execute("select * from core.detach_old_partitions(%s, 'core.post'::regclass)",
                       [now + timedelta(days=31)]).fetchall()
    assert ("core.post", "post_p2026_01", "dropped", 1) in later
    assert db.execute("select to_regclass('core.post_p2026_01')").fetchone()[0] is None


def test_seed_entry_point_accepts_date_timestamp_and_timestamptz(db):
    for expr in ["current_date + interval '1 month'", "current_date + 40", "now() + interval '2 months'",
                 "'2027-01-15'"]:
        name = db.execute(f"select core.create_monthly_post_partition({expr})").fetchone()[0]
        assert name.startswith("post_p")
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        db.execute("select core.create_monthly_post_partition(date '9999-01-01')")
