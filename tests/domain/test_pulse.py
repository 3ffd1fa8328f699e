"""pulse: the momentum function against a plain-Python oracle, the partitioned time series
(maintained by the core machinery), the crisis-response fields of core.alert and the
vocabulary / ordering rules by SQLSTATE."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import expect_sqlstate, round_half_up

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
ISSUES = ["water_supply", "roads", "drainage", "traffic"]
WARDS = ["Kapra", "Uppal"]


@st.composite
def bucket(draw):
    posts = draw(st.integers(0, 50))
    pos = draw(st.integers(0, posts))
    neg = draw(st.integers(0, posts - pos))
    neu = draw(st.integers(0, posts - pos - neg))
    score = draw(st.one_of(st.none(), st.integers(-10000, 10000).map(lambda i: Decimal(i) / 10000)))
    return {"ward": draw(st.sampled_from(WARDS)), "hours": draw(st.integers(-24 * 30, 24 * 3)),
            "posts": posts, "pos": pos, "neg": neg, "neu": neu, "score": score,
            "eng": Decimal(draw(st.integers(0, 10**6))) / 100,
            "issues": draw(st.lists(st.sampled_from(ISSUES), unique=True, max_size=3))}


def oracle(buckets, ward, window):
    rec = [b for b in buckets if b["ward"] == ward and NOW - window <= b["at"] < NOW]
    pri = [b for b in buckets if b["ward"] == ward and NOW - 2 * window <= b["at"] < NOW - window]

    def sentiment(rows):
        den = sum(b["posts"] for b in rows if b["score"] is not None)
        if not den:
            return None
        return sum(Fraction(b["score"]) * b["posts"] for b in rows if b["score"] is not None) / den

    rs, ps = sentiment(rec), sentiment(pri)
    mom = round_half_up(rs - ps, 4) if rs is not None and ps is not None else None
    re_, pe = sum(Fraction(b["eng"]) for b in rec), sum(Fraction(b["eng"]) for b in pri)
    rp, pp = sum(b["posts"] for b in rec), sum(b["posts"] for b in pri)
    polar = sum(b["pos"] + b["neg"] for b in rec)
    emerging = sorted({i for b in rec for i in b["issues"]} - {i for b in pri for i in b["issues"]})
    temp = round_half_up(Fraction(50 * polar, rp) + Fraction(50 * rp, rp + pp), 2) if rp else None
    trend = ("insufficient_data" if mom is None else "rising" if mom > Decimal("0.05")
             else "falling" if mom < Decimal("-0.05") else "stable")
    return {"recent_post_count": rp, "prior_post_count": pp, "recent_sentiment": round_half_up(rs, 4),
            "prior_sentiment": round_half_up(ps, 4), "sentiment_momentum": mom,
            "engagement_momentum": round_half_up(100 * (re_ - pe) / pe, 2) if pe else None,
            "issue_emergence": len(emerging), "emerging_issues": emerging,
            "political_temperature": temp, "trend_direction": trend}


COLS = ["recent_post_count", "prior_post_count", "recent_sentiment", "prior_sentiment", "sentiment_momentum",
        "engagement_momentum", "issue_emergence", "emerging_issues", "political_temperature",
        "trend_direction"]


def insert_buckets(conn, buckets):
    seen = set()
    kept = []
    for b in buckets:
        b["at"] = NOW + dt.timedelta(hours=b["hours"])
        if (b["ward"], b["at"]) in seen:
            continue
        seen.add((b["ward"], b["at"]))
        kept.append(b)
        conn.execute(
            "insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start, post_count, "
            "positive_count, "
            "negative_count, neutral_count, sentiment_score, engagement_score, top_issues) "
            "values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (b["ward"], b["at"], b["posts"], b["pos"], b["neg"], b["neu"], b["score"], b["eng"],
             json.dumps(b["issues"])))
    return kept


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(buckets=st.lists(bucket(), max_size=25), days=st.integers(1, 10), one=st.booleans())
def test_momentum_matches_oracle(db, buckets, days, one):
    window = dt.timedelta(days=days)
    try:
        kept = insert_buckets(db, buckets)
        cur = db.execute(f"select ward_name, {', '.join(COLS)}, computed_for, window_length "
                         "from pulse.compute_ward_momentum(%s, %s, %s)",
                         (NOW, "  kapra " if one else None, window))
        returned = {r[0]: r for r in cur.fetchall()}
        assert len(returned) == (1 if one else 145)
        stored = {r[0]: r for r in db.execute(
            f"select ward_name, {', '.join(COLS)}, computed_for, window_length "
            "from pulse.ward_momentum_indicators").fetchall()}
        assert stored == returned
        for ward in (["Kapra"] if one else WARDS + ["Banjara Hills"]):
            got = dict(zip(COLS, returned[ward][1:-2], strict=True))
            assert got == oracle(kept, ward, window), ward
            assert returned[ward][-2:] == (NOW, window)
    finally:
        db.rollback()


def test_momentum_recompute_updates_in_place_and_validates_arguments(db):
    insert_buckets(db, [{"ward": "Kapra", "hours": -30, "posts": 4, "pos": 4, "neg": 0, "neu": 0,
                         "score": Decimal("0.5"), "eng": Decimal(10), "issues": ["roads"]},
                        {"ward": "Kapra", "hours": -24 * 9, "posts": 4, "pos": 0, "neg": 0, "neu": 4,
                         "score": Decimal(0), "eng": Decimal(10), "issues": []}])
    first = db.execute("select trend_direction, sentiment_momentum from pulse.compute_ward_momentum(%s, "
                       "'Kapra')",
                       (NOW,)).fetchone()
    assert first == ("rising", Decimal("0.5000"))
    later = db.execute("select trend_direction, recent_post_count from pulse.compute_ward_momentum(%s, "
                       "'Kapra')",
                       (NOW + dt.timedelta(days=30),)).fetchone()
    assert later == ("insufficient_data", 0)
    assert db.execute("select count(*) from pulse.ward_momentum_indicators").fetchone()[0] == 1
    expect_sqlstate(db, "select * from pulse.compute_ward_momentum(now(), 'Atlantis')", state="P0002")
    expect_sqlstate(db, "select * from pulse.compute_ward_momentum(now(), null, interval '0')", state="22023")


def test_time_series_is_partitioned_and_maintained_by_core(db):
    parts = db.execute("select partition_name, is_default from core.partitions_of("
                       "'pulse.ward_sentiment_timeseries'::regclass)").fetchall()
    assert ("ward_sentiment_timeseries_default", True) in parts
    assert sum(1 for _, d in parts if not d) >= 16
    # a row for a month without partition lands in the default partition; maintenance moves it
    db.execute("insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start, post_count) "
               "values ('Kapra', '2031-06-10 00:00+00', 1)")
    assert db.execute("select tableoid::regclass::text from pulse.ward_sentiment_timeseries "
                      "where bucket_start = '2031-06-10 00:00+00'").fetchone()[0] == \
        "pulse.ward_sentiment_timeseries_default"
    db.execute("select * from core.create_monthly_partition('pulse.ward_sentiment_timeseries'::regclass, "
               "'2031-06-01', '2031-05-01 00:00+00')")
    assert db.execute("select tableoid::regclass::text from pulse.ward_sentiment_timeseries "
                      "where bucket_start = '2031-06-10 00:00+00'").fetchone()[0] == \
        "pulse.ward_sentiment_timeseries_p2031_06"
    made = db.execute("select count(*) from core.ensure_partitions('2031-06-15 00:00+00'::timestamptz, "
                      "'pulse.ward_sentiment_timeseries'::regclass)").fetchone()[0]
    assert made > 0


CASES = [
    ("insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start) values ('Atlantis', "
     "now())", "23503"),
    ("insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start, post_count, positive_count) "
     "values ('Kapra', now(), 1, 2)", "23514"),
    ("insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start, sentiment_score) "
     "values ('Kapra', now(), 1.5)", "23514"),
    ("insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start, top_issues) "
     "values ('Kapra', now(), '[1, 2]')", "23514"),
    ("insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start, engagement_score) "
     "values ('Kapra', now(), -1)", "23514"),
    ("insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start, bucket_width) "
     "values ('Kapra', now(), interval '0')", "23514"),
    ("insert into pulse.ward_momentum_indicators (ward_name, computed_for, window_length, recent_post_count, "
     "prior_post_count, issue_emergence, trend_direction) values ('Kapra', now(), '7 days', 0, 0, 0, "
     "'up')", "23514"),
    ("insert into pulse.sentiment_snapshot (ward_name, window_start, window_end) "
     "values ('Kapra', now(), now() - interval '1 day')", "23514"),
    ("insert into pulse.sentiment_snapshot (ward_name, window_start, window_end, dominant_emotion) "
     "values ('Kapra', now() - interval '1 day', now(), 'Hopeful')", "23503"),
    ("insert into pulse.issue_tracker (ward_name, issue_key, title, severity, first_seen_at, last_seen_at) "
     "values ('Kapra', 'roads', 'Roads', 'extreme', now(), now())", "23514"),
    ("insert into pulse.issue_tracker (ward_name, issue_key, title, category, first_seen_at, last_seen_at) "
     "values ('Kapra', 'roads', 'Roads', 'potholes', now(), now())", "23514"),
    ("insert into pulse.issue_tracker (ward_name, issue_key, title, first_seen_at, last_seen_at) "
     "values ('Kapra', 'Roads!', 'Roads', now(), now())", "23514"),
    ("insert into pulse.issue_tracker (ward_name, issue_key, title, first_seen_at, last_seen_at) "
     "values ('Kapra', 'roads', 'Roads', now(), now() - interval '1 hour')", "23514"),
    ("insert into pulse.issue_tracker (ward_name, issue_key, title, first_seen_at, last_seen_at, "
     "resolved_at) "
     "values ('Kapra', 'roads', 'Roads', now(), now(), now())", "23514"),
    ("insert into pulse.issue_tracker (ward_name, issue_key, title, first_seen_at, last_seen_at, "
     "resolution_status, resolved_at) values ('Kapra', 'roads', 'Roads', now(), now(), 'resolved', "
     "now() - interval '1 day')", "23514"),
    ("insert into pulse.issue_tracker (ward_name, issue_key, title, first_seen_at, last_seen_at, "
     "mention_count) "
     "values ('Kapra', 'roads', 'Roads', now(), now(), -1)", "23514"),
    ("insert into core.alert (ward_name, description, status) values ('Kapra', 'x', 'open')", "23514"),
    ("insert into core.alert (ward_name, description, priority_score) values ('Kapra', 'x', 101)", "23514"),
    ("insert into core.alert (ward_name, description, status) values ('Kapra', 'x', 'in_progress')", "23514"),
    ("insert into core.alert (ward_name, description, escalation_level) values ('Kapra', 'x', 1)", "23514"),
    ("insert into core.alert (ward_name, description, escalation_level, escalated_at) "
     "values ('Kapra', 'x', 6, now())", "23514"),
    ("insert into core.alert (ward_name, description, status, acknowledged_at, resolved_at) "
     "values ('Kapra', 'x', 'resolved', now(), now() - interval '1 hour')", "23514"),
    ("insert into core.alert (ward_name, description, status, acknowledged_at) "
     "values ('Kapra', 'x', 'acknowledged', now() - interval '1 hour')", "23514"),
    ("insert into core.alert (ward_name, description, assigned_to) values ('Kapra', 'x', -1)", "23503"),
]


def test_vocabularies_and_orderings_are_enforced(db):
    for sql, state in CASES:
        expect_sqlstate(db, sql, state=state)
    db.execute("insert into pulse.issue_tracker (ward_name, issue_key, title, first_seen_at, last_seen_at) "
               "values ('Kapra', 'roads', 'Roads', now(), now())")
    expect_sqlstate(db, "insert into pulse.issue_tracker (ward_name, issue_key, title, first_seen_at, "
                        "last_seen_at) "
                        "values ('Kapra', 'roads', 'Roads again', now(), now())", state="23505")


def test_alert_response_lifecycle_and_index(db):
    uid = db.execute("insert into core.app_user (username, email, password_hash) "
                     "values ('resp', 'resp@example.invalid', repeat('x', 60)) returning "
                     "user_id").fetchone()[0]
    aid = db.execute("insert into core.alert (ward_name, description, priority_score) values ('Kapra', "
                     "'flood', 95) "
                     "returning alert_id").fetchone()[0]
    assert db.execute("select status, escalation_level from core.alert where alert_id = %s",
                      (aid,)).fetchone() == ("new", 0)
    db.execute("update core.alert set status = 'acknowledged', acknowledged_at = now(), assigned_to = %s "
               "where alert_id = %s", (uid, aid))
    db.execute("update core.alert set status = 'escalated', escalation_level = 2, escalated_at = now() "
               "where alert_id = %s", (aid,))
    db.execute("update core.alert set status = 'resolved', resolved_at = now() where alert_id = %s", (aid,))
    cols = db.execute("select array_agg(a.attname::text order by k.ord) from pg_index i "
                      "cross join lateral unnest(i.indkey) with ordinality k (attnum, ord) "
                      "join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum "
                      "where i.indexrelid = 'core.ix_alert__ward_name__status__priority_score'::regclass"
                      ).fetchone()[0]
    assert cols == ["ward_name", "status", "priority_score"]


@pytest.mark.parametrize(("score", "trend"), [("0.0500", "stable"), ("0.0501", "rising"),
                                              ("-0.0500", "stable"), ("-0.0501", "falling"), ("0", "stable")])
def test_trend_direction_thresholds(db, score, trend):
    insert_buckets(db, [{"ward": "Uppal", "hours": -1, "posts": 3, "pos": 1, "neg": 1, "neu": 1,
                         "score": Decimal(score), "eng": Decimal(1), "issues": []},
                        {"ward": "Uppal", "hours": -24 * 7 - 1, "posts": 5, "pos": 0, "neg": 0, "neu": 5,
                         "score": Decimal(0), "eng": Decimal(1), "issues": []}])
    got = db.execute("select sentiment_momentum, trend_direction "
                     "from pulse.compute_ward_momentum(%s, 'Uppal')", (NOW,)).fetchone()
    assert got == (Decimal(score), trend)
