"""ai.ai_cleanup_expired_data against a plain-Python oracle: rows deleted per table, execution
partitions dropped whole, reports archived (not deleted)."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def month_start(d: dt.datetime) -> dt.datetime:
    return dt.datetime(d.year, d.month, 1, tzinfo=UTC)


def next_month(d: dt.datetime) -> dt.datetime:
    return dt.datetime(d.year + d.month // 12, d.month % 12 + 1, 1, tzinfo=UTC)


def add_months(d: dt.datetime, n: int) -> dt.datetime:
    m = d.month - 1 + n
    return d.replace(year=d.year + m // 12, month=m % 12 + 1)


days = st.integers(min_value=0, max_value=500)
embedding_rows = st.lists(
    st.tuples(
        days, st.one_of(st.none(), st.integers(-30, 30)), st.integers(0, 3), st.one_of(st.none(), days)
    ),
    max_size=15,
)
report_rows = st.lists(
    st.tuples(
        days, st.one_of(st.none(), st.integers(-30, 30)), st.integers(0, 5), st.one_of(st.none(), days)
    ),
    max_size=12,
)
execution_days = st.lists(st.integers(min_value=0, max_value=400), max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    exe=execution_days,
    keep_months=st.integers(1, 12),
    unused_days=st.integers(10, 200),
    emb=embedding_rows,
    rep=report_rows,
    metric_days=st.lists(days, max_size=10),
)
def test_cleanup_against_oracle(db, exe, keep_months, unused_days, emb, rep, metric_days):
    db.rollback()
    db.execute("set timezone = 'UTC'")
    db.execute(
        "delete from ai.embedding_store; delete from ai.geopolitical_report; delete from ai.system_metrics"
    )
    row = db.execute("select user_id from core.app_user where username = 'c'").fetchone()
    user = (
        row[0]
        if row
        else db.execute(
            "insert into core.app_user (username, email, password_hash)"
            " values ('c', 'c@x.invalid', repeat('x', 32))"
            " returning user_id"
        ).fetchone()[0]
    )
    for k in range(0, 15):
        db.execute(
            "select core.create_monthly_partition('ai.model_execution'::regclass, %s::date, %s)",
            [add_months(month_start(NOW), -k).date(), NOW],
        )
    db.execute("delete from ai.model_execution")
    unused = dt.timedelta(days=unused_days)

    want_emb = 0
    for i, (age, expiry, access, accessed_ago) in enumerate(emb):
        created = NOW - dt.timedelta(days=age)
        expires = None if expiry is None else NOW + dt.timedelta(days=expiry)
        if expires is not None and expires <= created:
            expires = created + dt.timedelta(hours=1)
        last = None if accessed_ago is None else NOW - dt.timedelta(days=accessed_ago)
        db.execute(
            "insert into ai.embedding_store (content_chunk, source_type, embedding, embedding_model,"
            " embedding_dimensions, created_at, fetched_at, expires_at, access_count, last_accessed_at)"
            " values (%s, 'news', array_fill(0.1, array[384])::real[]::extensions.vector,"
            " 'all-MiniLM-L6-v2', 384, %s, %s, %s, %s, %s)",
            [f"e{i}", created, created, expires, access, last],
        )
        want_emb += (expires is not None and expires <= NOW) or (
            access == 0 and (last or created) < NOW - unused
        )

    want_rep = 0
    for i, (age, expiry, access, accessed_ago) in enumerate(rep):
        requested = NOW - dt.timedelta(days=age)
        expires = None if expiry is None else NOW + dt.timedelta(days=expiry)
        last = None if accessed_ago is None else NOW - dt.timedelta(days=accessed_ago)
        db.execute(
            "insert into ai.geopolitical_report (user_id, query_text, requested_at, expires_at, access_count,"
            " last_accessed_at) values (%s, %s, %s, %s, %s, %s)",
            [user, f"q{i}", requested, expires, access, last],
        )
        want_rep += (expires is not None and expires <= NOW) or (
            access < 3 and (last or requested) < NOW - dt.timedelta(days=60)
        )

    cutoff = add_months(NOW, -keep_months)
    want_exe = 0
    for i, age in enumerate(exe):
        at = NOW - dt.timedelta(days=age, minutes=i)
        db.execute(
            "insert into ai.model_execution (request_id, operation_type, provider, model_name, status,"
            " created_at) values ('r', 'chat', 'openai', 'm', 'success', %s)",
            [at],
        )
        want_exe += next_month(month_start(at)) <= cutoff  # whole month before the cutoff
    parts_before = {
        r[0]: r[1]
        for r in db.execute(
            "select partition_name, range_to::timestamptz from core.partitions_of('ai.model_execution')"
            " where not is_default"
        )
    }
    want_parts = sum(1 for to in parts_before.values() if to <= cutoff)

    want_met = 0
    for age in metric_days:
        at = NOW - dt.timedelta(days=age * 2)
        db.execute(
            "insert into ai.system_metrics (metric_name, metric_category, metric_scope, metric_value,"
            " period_start, period_end, aggregation_type, created_at)"
            " values ('m', 'usage', 'system', 1, %s, %s, 'sum', %s)",
            [at, at, at],
        )
        want_met += at < NOW - dt.timedelta(days=365)

    exe_before = db.execute("select count(*) from ai.model_execution").fetchone()[0]
    got = {
        (t, a): n
        for t, a, n in db.execute(
            "select * from ai.ai_cleanup_expired_data(%s, %s, interval '60 days', 3,"
            " make_interval(months => %s),"
            " interval '1 year')",
            [NOW, unused, keep_months],
        )
    }
    assert got == {
        ("ai.embedding_store", "deleted"): want_emb,
        ("ai.model_execution", "deleted"): want_exe,
        ("ai.model_execution", "partitions_dropped"): want_parts,
        ("ai.geopolitical_report", "archived"): want_rep,
        ("ai.system_metrics", "deleted"): want_met,
    }
    # the rows are really gone / archived, and whole partitions were dropped
    assert db.execute("select count(*) from ai.model_execution").fetchone()[0] == exe_before - want_exe
    assert (
        db.execute("select count(*) from ai.geopolitical_report where is_archived").fetchone()[0] == want_rep
    )
    assert db.execute("select count(*) from ai.geopolitical_report").fetchone()[0] == len(rep)
    left = {
        r[0]
        for r in db.execute(
            "select partition_name from core.partitions_of('ai.model_execution') where not is_default"
        )
    }
    assert left == {name for name, to in parts_before.items() if to > cutoff}
    # a second run finds nothing more to do
    again = {
        (t, a): n
        for t, a, n in db.execute(
            "select * from ai.ai_cleanup_expired_data(%s, %s, interval '60 days', 3,"
            " make_interval(months => %s),"
            " interval '1 year')",
            [NOW, unused, keep_months],
        )
    }
    assert set(again.values()) == {0}
    db.rollback()


def test_cleanup_on_an_empty_database_and_bad_arguments(db):
    rows = db.execute("select * from ai.ai_cleanup_expired_data()").fetchall()
    assert sorted((t, a) for t, a, _ in rows) == sorted(
        [
            ("ai.embedding_store", "deleted"),
            ("ai.model_execution", "deleted"),
            ("ai.model_execution", "partitions_dropped"),
            ("ai.geopolitical_report", "archived"),
            ("ai.system_metrics", "deleted"),
        ]
    )
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        db.execute("select * from ai.ai_cleanup_expired_data(now(), interval '-1 day')")
