"""demography: segments are issue-based and cannot hold personal attributes (shape and
behaviour), engagement patterns, service gaps and the insight review workflow, by SQLSTATE."""

from __future__ import annotations

from .helpers import expect_sqlstate

PERSONAL = {"religion", "caste", "gender", "sex", "age", "birth", "dob", "name", "phone", "mobile", "email",
            "address", "voter", "aadhaar", "income", "community", "language", "person", "individual"}


def test_segment_tables_have_no_place_for_personal_attributes(db):
    cols = db.execute(
        "select c.relname, a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a "
        "join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'demography' and c.relname in ('voter_segment', 'voter_segment_concern') "
        "and a.attnum > 0 and not a.attisdropped").fetchall()
    names = {(t, c) for t, c, _ in cols}
    assert names == {
        ("voter_segment", "segment_id"), ("voter_segment", "ward_name"), ("voter_segment", "segment_code"),
        ("voter_segment", "engagement_level"), ("voter_segment", "size_estimate"),
        ("voter_segment", "estimated_at"), ("voter_segment", "created_at"), ("voter_segment", "updated_at"),
        ("voter_segment_concern", "segment_id"), ("voter_segment_concern", "concern"),
        ("voter_segment_concern", "concern_rank")}
    # no document or array column where attributes could be smuggled in
    assert [c for _, c, typ in cols if typ in ("jsonb", "json") or typ.endswith("[]")] == []
    # the only free text is the ward (a foreign key) and a constrained code
    personal = [c for _, c, _ in cols if PERSONAL & set(c.split("_")) and c != "ward_name"]
    assert personal == []


def test_segments_are_codes_concerns_and_sizes_only(db):
    sid = db.execute("insert into demography.voter_segment (ward_name, segment_code, engagement_level, "
                     "size_estimate) "
                     "values ('Kapra', 'water_first_commuters', 'high', 2500) returning "
                     "segment_id").fetchone()[0]
    db.execute("insert into demography.voter_segment_concern values (%s, 'water_supply', 1), (%s, "
               "'traffic', 2)",
               (sid, sid))
    cases = [
        # a description of a person does not fit the code
        ("insert into demography.voter_segment (ward_name, segment_code, engagement_level, size_estimate) "
         "values ('Kapra', 'Ramesh Kumar, 45, +91 98480 00000', 'high', 100)", "23514"),
        ("insert into demography.voter_segment (ward_name, segment_code, engagement_level, size_estimate) "
         "values ('Kapra', 'x', 'high', 49)", "23514"),
        ("insert into demography.voter_segment (ward_name, segment_code, engagement_level, size_estimate) "
         "values ('Kapra', 'x', 'fanatic', 100)", "23514"),
        ("insert into demography.voter_segment (ward_name, segment_code, engagement_level, size_estimate) "
         "values ('Atlantis', 'x', 'high', 100)", "23503"),
        ("insert into demography.voter_segment (ward_name, segment_code, engagement_level, size_estimate) "
         "values ('Kapra', 'water_first_commuters', 'low', 100)", "23505"),
        # concerns come from the closed issue vocabulary: no "religion" or "caste" concern exists
        (f"insert into demography.voter_segment_concern values ({sid}, 'religion', 3)", "23503"),
        (f"insert into demography.voter_segment_concern values ({sid}, 'caste', 3)", "23503"),
        (f"insert into demography.voter_segment_concern values ({sid}, 'roads', 6)", "23514"),
        (f"insert into demography.voter_segment_concern values ({sid}, 'roads', 1)", "23505"),
        ("insert into demography.engagement_pattern (ward_name, channel, engagement_rate, sample_size, "
         "observed_from, "
         "observed_to) values ('Kapra', 'telegram', 1, 1, now(), now() + interval '1 day')", "23514"),
        ("insert into demography.engagement_pattern (ward_name, channel, engagement_rate, sample_size, "
         "observed_from, "
         "observed_to) values ('Kapra', 'whatsapp', 1, 1, now(), now())", "23514"),
        ("insert into demography.engagement_pattern (ward_name, channel, engagement_rate, sample_size, "
         "observed_from, "
         "observed_to, peak_hour) values ('Kapra', 'whatsapp', 1, 1, now(), now() + interval '1 day', "
         "24)", "23514"),
        ("insert into demography.engagement_pattern (ward_name, channel, engagement_rate, sample_size, "
         "observed_from, "
         "observed_to) values ('Kapra', 'whatsapp', 101, 1, now(), now() + interval '1 day')", "23514"),
    ]
    for sql, state in cases:
        expect_sqlstate(db, sql, state=state)
    # deleting a segment removes its concerns
    db.execute("delete from demography.voter_segment where segment_id = %s", (sid,))
    assert db.execute("select count(*) from demography.voter_segment_concern").fetchone()[0] == 0


def test_service_gap_and_insight_review_workflow(db):
    a, b = (db.execute("insert into core.app_user (username, email, password_hash) values (%s, %s, "
                       "repeat('x', 60)) "
                       "returning "
                       "user_id", (n, f"{n}@example.invalid")).fetchone()[0] for n in ("analyst", "reviewer"))
    db.execute("insert into demography.service_gap_analysis (ward_name, service, demand_score, supply_score) "
               "values ('Kapra', 'drainage', 30, 90)")
    assert db.execute("select gap_score from demography.service_gap_analysis").fetchone()[0] == -60
    iid = db.execute("insert into demography.demographic_insight (ward_name, insight_type, insight_text, "
                     "confidence, "
                     "created_by, expires_at) values ('Kapra', 'service_gap', 'Drains', 0.6, %s, "
                     "now() + interval '30 days') returning insight_id", (a,)).fetchone()[0]
    expect_sqlstate(db, "update demography.demographic_insight set review_status = 'approved' where "
                        "insight_id = %s",
                    (iid,))
    expect_sqlstate(db, "update demography.demographic_insight set review_status = 'approved', reviewed_by "
                        "= %s, "
                        "reviewed_at = now() where insight_id = %s", (a, iid))  # four eyes
    db.execute("update demography.demographic_insight set review_status = 'approved', reviewed_by = %s, "
               "reviewed_at = now() where insight_id = %s", (b, iid))
    cases = [
        ("insert into demography.service_gap_analysis (ward_name, service, demand_score, supply_score) "
         "values ('Kapra', 'religion', 1, 1)", "23503"),
        ("insert into demography.service_gap_analysis (ward_name, service, demand_score, supply_score) "
         "values ('Kapra', 'roads', 101, 1)", "23514"),
        ("insert into demography.service_gap_analysis (ward_name, service, demand_score, supply_score, "
         "priority) "
         "values ('Kapra', 'roads', 1, 1, 'urgent')", "23514"),
        ("insert into demography.demographic_insight (ward_name, insight_type, insight_text, confidence, "
         "expires_at) "
         "values ('Kapra', 'gossip', 't', 0.5, now() + interval '1 day')", "23514"),
        ("insert into demography.demographic_insight (ward_name, insight_type, insight_text, confidence, "
         "expires_at) "
         "values ('Kapra', 'trend', 't', 0.5, now() - interval '1 day')", "23514"),
        ("insert into demography.demographic_insight (ward_name, insight_type, insight_text, confidence, "
         "expires_at, "
         "review_status) values ('Kapra', 'trend', 't', 0.5, now() + interval '1 day', "
         "'published')", "23514"),
        ("insert into demography.demographic_insight (ward_name, insight_type, insight_text, confidence, "
         "expires_at) "
         "values ('Kapra', 'trend', 't', 1.5, now() + interval '1 day')", "23514"),
    ]
    for sql, state in cases:
        expect_sqlstate(db, sql, state=state)
