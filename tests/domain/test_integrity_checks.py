"""The domain modules' checks behind ops.validate_data_integrity(): each passes on a clean
database and reports the problem it is for."""

from __future__ import annotations

import datetime as dt

from .test_electoral import load

CHECKS = {"electoral_vote_share_sum", "electoral_stale_ward_aggregate",
          "pulse_sentiment_default_partition", "knowledge_discredited_citations",
          "crisis_open_without_scope", "crisis_scope_open_flag"}


def results(conn):
    return {r[0]: r[1:] for r in conn.execute(
        "select check_name, status, record_count from ops.validate_data_integrity()")}


def test_domain_checks_pass_on_a_clean_database(db):
    got = results(db)
    assert CHECKS <= set(got)
    assert {k: got[k] for k in CHECKS} == {k: ("PASS", 0) for k in CHECKS}


def test_domain_checks_report_their_problem(db):
    eid = load(db, [{"ward": "Kapra", "electors": 10, "polled": 10, "rejected": 0,
                     "votes": {"BJP": 6, "INC": 4}}])
    assert results(db)["electoral_stale_ward_aggregate"] == ("WARN", 1)
    db.execute("select electoral.aggregate_ward_results(%s)", (eid,))
    assert results(db)["electoral_stale_ward_aggregate"] == ("PASS", 0)
    db.execute("update electoral.result_ward_agg set vote_share = vote_share + 1 where party = 'BJP'")
    assert results(db)["electoral_vote_share_sum"] == ("FAIL", 1)

    db.execute("insert into pulse.ward_sentiment_timeseries (ward_name, bucket_start) values "
               "('Kapra', '1990-01-01 00:00+00'), ('Uppal', '1990-01-01 00:00+00')")
    assert results(db)["pulse_sentiment_default_partition"] == ("WARN", 2)

    uid = db.execute("insert into core.app_user (username, email, password_hash) "
                     "values ('k', 'k@example.invalid', repeat('x', 60)) returning user_id").fetchone()[0]
    t = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    fid = db.execute("insert into knowledge.knowledge_base (title, content, content_type, "
                     "verification_status, verified_by, verified_at, valid_from) "
                     "values ('f', 'c', 'fact', 'verified', %s, %s, %s) "
                     "returning fact_id", (uid, t, t)).fetchone()[0]
    tid = db.execute("insert into knowledge.talking_points_template (name, purpose, body) "
                     "values ('t', 'briefing', 'b') returning template_id").fetchone()[0]
    gid = db.execute("insert into knowledge.talking_points_generation (template_id, user_id, ward_name, "
                     "generated_at, output) values (%s, %s, 'Kapra', %s, 'o') returning generation_id",
                     (tid, uid, t + dt.timedelta(days=1))).fetchone()[0]
    db.execute("insert into knowledge.talking_points_generation_fact values (%s, %s)", (gid, fid))
    assert results(db)["knowledge_discredited_citations"] == ("PASS", 0)
    db.execute("update knowledge.knowledge_base set verification_status = 'disputed' where fact_id = %s",
               (fid,))
    assert results(db)["knowledge_discredited_citations"] == ("WARN", 1)

    cid = db.execute("insert into crisis.crisis_event (crisis_type, severity, title) "
                     "values ('flooding', 'high', 'c') returning crisis_id").fetchone()[0]
    assert results(db)["crisis_open_without_scope"] == ("WARN", 1)
    db.execute("select crisis.set_crisis_scope(%s, array['Kapra'])", (cid,))
    assert results(db)["crisis_open_without_scope"] == ("PASS", 0)
    db.execute("alter table crisis.crisis_event_ward disable trigger tg_crisis_event_ward__copy_is_open")
    db.execute("update crisis.crisis_event_ward set is_open = false where crisis_id = %s", (cid,))
    assert results(db)["crisis_scope_open_flag"] == ("FAIL", 1)
