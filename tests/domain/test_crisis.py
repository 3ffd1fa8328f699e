"""crisis: ward_crisis_summary and the open-crises function against plain-Python oracles,
the index path of the open-crises lookup, performance metrics (exact, never negative, NULL
is not "met"), and the vocabulary / ordering rules by SQLSTATE."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import expect_sqlstate, round_half_up

UTC = dt.UTC
IST = ZoneInfo("Asia/Kolkata")
T0 = dt.datetime(2026, 6, 1, 18, 0, tzinfo=UTC)
SEVERITIES = ["low", "medium", "high", "critical", "catastrophic"]
OPEN = {"detected", "confirmed", "responding", "contained"}
WARDS = ["Kapra", "Uppal", "Jubilee Hills", "Banjara Hills"]


@st.composite
def crisis(draw):
    status = draw(st.sampled_from(sorted(OPEN | {"resolved", "closed", "false_alarm"})))
    detected = T0 + dt.timedelta(seconds=draw(st.integers(-10**7, 10**7)))
    needs_response = status in ("responding", "contained")
    resp = draw(st.integers(0, 10**5) if needs_response else st.one_of(st.none(), st.integers(0, 10**5)))
    if status in ("resolved", "closed"):
        res = draw(st.integers(0, 10**5))
    elif status == "false_alarm":
        res = draw(st.one_of(st.none(), st.integers(0, 10**5)))
    else:
        res = None
    micros = draw(st.integers(0, 999999))
    first = None if resp is None else detected + dt.timedelta(seconds=resp, microseconds=micros)
    resolved = None if res is None else (first or detected) + dt.timedelta(seconds=res)
    return {"status": status, "severity": draw(st.sampled_from(SEVERITIES)), "detected": detected,
            "first": first, "resolved": resolved, "priority": Decimal(draw(st.integers(0, 10000))) / 100,
            "wards": draw(st.lists(st.sampled_from(WARDS), unique=True, max_size=3))}


def insert(conn, crises):
    for c in crises:
        c["id"] = conn.execute(
            "insert into crisis.crisis_event (crisis_type, severity, priority_score, title, status, "
            "detected_at, "
            "first_response_at, resolved_at) values ('flooding', %s, %s, 'c', %s, %s, %s, %s) returning "
            "crisis_id",
            (c["severity"], c["priority"], c["status"], c["detected"], c["first"], c["resolved"]),
        ).fetchone()[0]
        n = conn.execute("select crisis.set_crisis_scope(%s, %s)", (c["id"], c["wards"])).fetchone()[0]
        assert n == len(c["wards"])


def summary_oracle(crises, ward):
    mine = [c for c in crises if ward in c["wards"]]
    micro = dt.timedelta(microseconds=1)
    resp = [Fraction((c["first"] - c["detected"]) // micro, 10**6) for c in mine if c["first"]]
    last = max((c["detected"] for c in mine), default=None)
    return (len(mine), sum(SEVERITIES.index(c["severity"]) >= 2 for c in mine),
            sum(c["status"] in OPEN for c in mine),
            round_half_up(sum(resp) / len(resp) / 60, 2) if resp else None,
            last, None if last is None else last.astimezone(IST).date())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(crises=st.lists(crisis(), max_size=15))
def test_summary_and_open_crises_match_oracle(db, crises):
    try:
        insert(db, crises)
        rows = db.execute("select ward_name, total_crises, high_severity_crises, active_crises, "
                          "avg_response_minutes, "
                          "last_crisis_at, last_crisis_date from crisis.ward_crisis_summary").fetchall()
        assert len(rows) == 145
        got = {r[0]: tuple(r[1:]) for r in rows}
        for ward in got:
            assert got[ward] == summary_oracle(crises, ward), ward
        for ward in WARDS:
            want = sorted((c for c in crises if ward in c["wards"] and c["status"] in OPEN),
                          key=lambda c: (-SEVERITIES.index(c["severity"]), -c["priority"], c["detected"],
                                         c["id"]))
            got_open = db.execute("select crisis_id, wards_in_scope from "
                                  "crisis.get_open_crises(%s)", (ward,)).fetchall()
            assert got_open == [(c["id"], len(c["wards"])) for c in want]
    finally:
        db.rollback()


def test_open_crises_lookup_uses_the_ward_index(db):
    """Plan shape, not time: with a large history, the lookup reads the partial index of the ward's
    open scope rows and reaches crisis_event by primary key (no sequential scan of either)."""
    db.execute("""
        with c as (
            insert into crisis.crisis_event (crisis_type, severity, title, status, detected_at,
                                             first_response_at,
                                             resolved_at)
            select 'flooding', (array['low', 'medium', 'high', 'critical', 'catastrophic'])[1 + g % 5],
                   'c' || g,
                   case when g % 50 = 0 then 'detected' else 'resolved' end,
                   timestamptz '2020-01-01' + g * interval '1 hour',
                   case when g % 50 = 0 then null else timestamptz '2020-01-01' + g * interval '1 hour' end,
                   case when g % 50 = 0 then null else timestamptz '2020-01-01' + g * interval '2 hour' end
              from generate_series(1, 30000) g
            returning crisis_id
        )
        insert into crisis.crisis_event_ward (crisis_id, ward_name)
        select c.crisis_id, w.ward_name
          from c join (select ward_name, row_number() over (order by ward_name) - 1 as i from core.ward) w
            on w.i = c.crisis_id % 145
    """)
    db.execute("analyze crisis.crisis_event")
    db.execute("analyze crisis.crisis_event_ward")
    body = db.execute("select prosrc from pg_proc where oid = "
                      "'crisis.get_open_crises(text)'::regprocedure").fetchone()[0]
    plan = db.execute("explain (format json) " + body.replace("p_ward", "'Kapra'")).fetchone()[0]

    def nodes(n):
        yield n
        for child in n.get("Plans", []):
            yield from nodes(child)

    scans = [(n["Node Type"], n.get("Relation Name"), n.get("Index Name")) for n in nodes(plan[0]["Plan"])]
    assert not [s for s in scans if s[0] == "Seq Scan"], json.dumps(plan, indent=1)
    used = {s[2] for s in scans if s[2]}
    assert "ix_crisis_event_ward__ward_name__open" in used, scans
    n = db.execute("select count(*) from crisis.get_open_crises('Kapra')").fetchone()[0]
    assert n == db.execute("select count(*) from crisis.crisis_event_ward cw join crisis.crisis_event e "
                           "using (crisis_id) where cw.ward_name = 'Kapra' and e.status = "
                           "'detected'").fetchone()[0]


def test_performance_metrics_are_exact_and_never_claim_an_unknown_target(db):
    uid = db.execute("insert into core.app_user (username, email, password_hash) "
                     "values ('r', 'r@example.invalid', repeat('x', 60)) returning user_id").fetchone()[0]
    fast = db.execute("insert into crisis.crisis_event (crisis_type, severity, title, status, detected_at, "
                      "first_response_at) values ('flooding', 'high', 'fast', 'responding', %s, %s) "
                      "returning crisis_id",
                      (T0, T0 + dt.timedelta(milliseconds=400))).fetchone()[0]
    slow = db.execute("insert into crisis.crisis_event (crisis_type, severity, title, status, detected_at, "
                      "first_response_at, resolved_at) values ('protest', 'low', 'slow', 'resolved', %s, "
                      "%s, %s) "
                      "returning crisis_id",
                      (T0, T0 + dt.timedelta(minutes=20), T0 + dt.timedelta(hours=3))).fetchone()[0]
    none = db.execute("insert into crisis.crisis_event (crisis_type, severity, title, detected_at) "
                      "values ('misinformation', 'medium', 'none', %s) returning "
                      "crisis_id", (T0,)).fetchone()[0]
    db.execute("select crisis.set_crisis_scope(%s, array['Kapra', 'Uppal'])", (fast,))
    db.execute("insert into crisis.real_time_notification (crisis_id, recipient_user_id, channel, status, "
               "sent_at) "
               "values (%s, %s, 'sms', 'sent', now()), (%s, %s, 'sms', 'queued', "
               "null)", (fast, uid, fast, uid))
    db.execute("insert into crisis.crisis_communication_log (crisis_id, direction, channel, message, "
               "approval_status, "
               "approved_by, sent_by, sent_at) values (%s, 'outbound', 'press', 'm', 'sent', %s, %s, now())",
               (fast, uid, uid))
    rows = {r[0]: r[1:] for r in db.execute(
        "select crisis_id, detection_to_response_minutes, detection_to_resolution_minutes, "
        "met_response_target, "
        "notifications_sent, messages_sent, wards_affected from crisis.compute_performance_metrics(null, "
        "15)")}
    assert rows[fast] == (Decimal("0.01"), None, True, 1, 1, 2)
    assert rows[slow] == (Decimal("20.00"), Decimal("180.00"), False, 0, 0, 0)
    assert rows[none] == (None, None, None, 0, 0, 0)
    assert db.execute("select count(*) from crisis.compute_performance_metrics(%s, 30) where "
                      "met_response_target",
                      (slow,)).fetchone()[0] == 1
    assert db.execute("select count(*) from crisis.crisis_performance_metrics").fetchone()[0] == 3


def test_workflow_completion_follows_steps(db):
    cid = db.execute("insert into crisis.crisis_event (crisis_type, severity, title) values ('flooding', "
                     "'high', 'w') "
                     "returning crisis_id").fetchone()[0]
    wid = db.execute("insert into crisis.response_workflow (crisis_id, workflow_name, steps) "
                     "values (%s, 'evacuate', '[\"assess\", \"notify\", \"evacuate\"]') "
                     "returning workflow_id",
                     (cid,)).fetchone()[0]
    db.execute("update crisis.response_workflow set status = 'active', started_at = now(), current_step = 2 "
               "where workflow_id = %s", (wid,))
    assert db.execute("select completion_pct from crisis.response_workflow").fetchone()[0] == Decimal("66.67")
    expect_sqlstate(db, "update crisis.response_workflow set status = 'completed', completed_at = now() "
                        "where workflow_id = %s", (wid,))
    db.execute("update crisis.response_workflow set status = 'completed', completed_at = now(), "
               "current_step = 3 "
               "where workflow_id = %s", (wid,))
    assert db.execute("select completion_pct from crisis.response_workflow").fetchone()[0] == 100


EVENT = ("insert into crisis.crisis_event (crisis_type, severity, title, status, detected_at, "
         "first_response_at, resolved_at) values ({})")
CASES = [
    (EVENT.format("'flooding', 'severe', 't', 'detected', now(), null, null"), "23514"),
    (EVENT.format("'alien_invasion', 'low', 't', 'detected', now(), null, null"), "23514"),
    (EVENT.format("'flooding', 'low', 't', 'ongoing', now(), null, null"), "23514"),
    (EVENT.format("'flooding', 'low', ' ', 'detected', now(), null, null"), "23514"),
    # detected <= first response <= resolved
    (EVENT.format("'flooding', 'low', 't', 'responding', now(), now() - interval '1 second', null"), "23514"),
    (EVENT.format("'flooding', 'low', 't', 'resolved', now(), now(), now() - interval '1 second'"), "23514"),
    (EVENT.format("'flooding', 'low', 't', 'resolved', now(), null, now() - interval '1 second'"), "23514"),
    # status needs its timestamps, and an open crisis has no resolution
    (EVENT.format("'flooding', 'low', 't', 'responding', now(), null, null"), "23514"),
    (EVENT.format("'flooding', 'low', 't', 'resolved', now(), now(), null"), "23514"),
    (EVENT.format("'flooding', 'low', 't', 'detected', now(), null, now()"), "23514"),
    ("insert into crisis.crisis_event (crisis_type, severity, title, priority_score) values ('flooding', "
     "'low', 't', -1)",
     "23514"),
    ("insert into crisis.crisis_event (crisis_type, severity, title, alert_id) values ('flooding', 'low', "
     "'t', -1)",
     "23503"),
    ("insert into crisis.crisis_event_ward (crisis_id, ward_name) values ({c}, 'Atlantis')", "23503"),
    ("insert into crisis.crisis_event_ward (crisis_id, ward_name) values (-1, 'Kapra')", "23503"),
    ("select crisis.set_crisis_scope({c}, array['Kapra', 'Atlantis'])", "P0002"),
    ("select crisis.set_crisis_scope(-1, array['Kapra'])", "P0002"),
    ("insert into crisis.response_workflow (crisis_id, workflow_name, steps) values ({c}, 'w', "
     "'[]')", "23514"),
    ("insert into crisis.response_workflow (crisis_id, workflow_name, steps) values ({c}, 'w', "
     "'{{}}')", "23514"),
    ("insert into crisis.response_workflow (crisis_id, workflow_name, steps, current_step) values ({c}, "
     "'w', '[1]', 2)",
     "23514"),
    ("insert into crisis.response_workflow (crisis_id, workflow_name, steps, status) values ({c}, 'w', "
     "'[1]', 'active')",
     "23514"),
    ("insert into crisis.response_workflow (crisis_id, workflow_name, steps, status) values ({c}, 'w', "
     "'[1]', 'done')",
     "23514"),
    ("insert into crisis.response_workflow (crisis_id, workflow_name, steps, status, started_at, "
     "completed_at, "
     "current_step) values ({c}, 'w', '[1]', 'completed', now(), now() - interval '1 hour', 1)", "23514"),
    ("insert into crisis.real_time_notification (recipient_user_id, channel) values ({u}, 'sms')", "23514"),
    ("insert into crisis.real_time_notification (crisis_id, recipient_user_id, channel) values ({c}, {u}, "
     "'pigeon')",
     "23514"),
    ("insert into crisis.real_time_notification (crisis_id, recipient_user_id, channel, priority) "
     "values ({c}, {u}, 'sms', 'asap')", "23514"),
    ("insert into crisis.real_time_notification (crisis_id, recipient_user_id, channel, status) "
     "values ({c}, {u}, 'sms', 'delivered')", "23514"),
    ("insert into crisis.real_time_notification (crisis_id, recipient_user_id, channel, status, sent_at, "
     "delivered_at) "
     "values ({c}, {u}, 'sms', 'delivered', now(), now() - interval '1 second')", "23514"),
    ("insert into crisis.real_time_notification (crisis_id, recipient_user_id, channel, ward_name) "
     "values ({c}, {u}, 'sms', 'Atlantis')", "23503"),
    ("insert into crisis.real_time_notification (crisis_id, recipient_user_id, channel) values ({c}, -1, "
     "'sms')",
     "23503"),
    ("insert into crisis.crisis_communication_log (crisis_id, direction, channel, message) "
     "values ({c}, 'sideways', 'press', 'm')", "23514"),
    ("insert into crisis.crisis_communication_log (crisis_id, direction, channel, message) "
     "values ({c}, 'outbound', 'fax', 'm')", "23514"),
    ("insert into crisis.crisis_communication_log (crisis_id, direction, channel, message, approval_status) "
     "values ({c}, 'outbound', 'press', 'm', 'approved')", "23514"),
    ("insert into crisis.crisis_communication_log (crisis_id, direction, channel, message, approval_status, "
     "approved_by) "
     "values ({c}, 'outbound', 'press', 'm', 'sent', {u})", "23514"),
    ("insert into crisis.crisis_performance_metrics (crisis_id, detection_to_response_minutes) values ({c}, "
     "-1)",
     "23514"),
    ("insert into crisis.crisis_performance_metrics (crisis_id, target_response_minutes) values ({c}, "
     "0)", "23514"),
]


def test_vocabularies_and_orderings_are_enforced(db):
    u = db.execute("insert into core.app_user (username, email, password_hash) "
                   "values ('c', 'c@example.invalid', repeat('x', 60)) returning user_id").fetchone()[0]
    c = db.execute("insert into crisis.crisis_event (crisis_type, severity, title) values ('flooding', "
                   "'low', 't') "
                   "returning crisis_id").fetchone()[0]
    for sql, state in CASES:
        expect_sqlstate(db, sql.format(c=c, u=u), state=state)
    # closing a crisis without a resolution time is refused; with one it is accepted and leaves the open list
    db.execute("select crisis.set_crisis_scope(%s, array['Kapra'])", (c,))
    expect_sqlstate(db, "update crisis.crisis_event set status = 'closed' where crisis_id = %s", (c,))
    assert db.execute("select count(*) from crisis.get_open_crises('Kapra')").fetchone()[0] == 1
    db.execute("update crisis.crisis_event set status = 'closed', resolved_at = detected_at + interval '1 "
               "hour' "
               "where crisis_id = %s", (c,))
    assert db.execute("select count(*) from crisis.get_open_crises('Kapra')").fetchone()[0] == 0


def test_bench_crisis_reports_and_leaves_the_database_as_it_was(url, tmp_path, capsys):
    from lokdarpan_db.cli import main

    code = main(["bench", "crisis", "--db", url, "--project-dir", str(tmp_path), "-q",
                 "--crises", "300", "--calls", "5", "--runs", "3"])
    assert code == 0
    text = (tmp_path / "BENCHMARKS.md").read_text()
    assert "<!-- bench:crisis -->" in text and "median latency per call" in text
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from crisis.crisis_event").fetchone()[0] == 0
    assert main(["bench", "crisis", "--db", url, "--runs", "1", "-q"]) == 1
    assert "at least 3" in capsys.readouterr().err
