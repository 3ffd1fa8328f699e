"""knowledge: a talking-points generation may cite only facts that are verified and valid at
generation time (enforced by the database; property test against a Python oracle of the rule),
provenance foreign keys, and the vocabulary rules by SQLSTATE."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import expect_sqlstate

UTC = dt.UTC
T0 = dt.datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
STATUSES = ["unverified", "pending", "verified", "disputed", "false"]


@pytest.fixture
def ctx(db):
    uid = db.execute("insert into core.app_user (username, email, password_hash) "
                     "values ('strategist', 'strategist@example.invalid', repeat('x', 60)) "
                     "returning user_id").fetchone()[0]
    tid = db.execute("insert into knowledge.talking_points_template (name, purpose, body, created_by) "
                     "values ('water', 'rally_speech', 'Water for {ward}', %s) returning template_id",
                     (uid,)).fetchone()[0]
    db.commit()
    return {"user": uid, "template": tid}


def add_fact(conn, user, status, verified_at, valid_from, expires_at):
    return conn.execute(
        "insert into knowledge.knowledge_base (title, content, content_type, verification_status, "
        "verified_by, "
        "verified_at, valid_from, expires_at) values ('f', 'a fact', 'statistic', %s, %s, %s, %s, %s) "
        "returning fact_id",
        (status, user if status == "verified" or verified_at else None, verified_at, valid_from,
         expires_at)).fetchone()[0]


def add_generation(conn, ctx, at, ward="Kapra"):
    return conn.execute(
        "insert into knowledge.talking_points_generation (template_id, user_id, ward_name, generated_at, "
        "output, "
        "inputs) values (%s, %s, %s, %s, 'Water for all', '{\"ward\": \"Kapra\"}') returning generation_id",
        (ctx["template"], ctx["user"], ward, at)).fetchone()[0]


def citable(status, verified_at, valid_from, expires_at, at):
    return (status == "verified" and verified_at <= at and valid_from <= at
            and (expires_at is None or at < expires_at))


offset = st.integers(-5, 5).map(lambda d: T0 + dt.timedelta(days=d))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.sampled_from(STATUSES), verified=offset, valid_from=offset,
       expires=st.one_of(st.none(), st.integers(1, 6)), at=offset)
def test_only_verified_unexpired_facts_can_be_cited(db, ctx, status, verified, valid_from, expires, at):
    expires_at = None if expires is None else valid_from + dt.timedelta(days=expires)
    verified_at = verified if status == "verified" else None
    try:
        fid = add_fact(db, ctx["user"], status, verified_at, valid_from, expires_at)
        gid = add_generation(db, ctx, at)
        sql = "insert into knowledge.talking_points_generation_fact (generation_id, fact_id) values (%s, %s)"
        if citable(status, verified_at, valid_from, expires_at, at):
            db.execute(sql, (gid, fid))
            assert db.execute("select count(*) from knowledge.talking_points_generation_fact "
                              "where generation_id = %s", (gid,)).fetchone()[0] == 1
        else:
            expect_sqlstate(db, sql, (gid, fid), "23514")
    finally:
        db.rollback()


def test_citations_cannot_be_moved_around_the_rule(db, ctx):
    good = add_fact(db, ctx["user"], "verified", T0 - dt.timedelta(days=2), T0 - dt.timedelta(days=3),
                    T0 + dt.timedelta(days=1))
    bad = add_fact(db, ctx["user"], "disputed", None, T0 - dt.timedelta(days=3), None)
    gid = add_generation(db, ctx, T0)
    db.execute("insert into knowledge.talking_points_generation_fact values (%s, %s)", (gid, good))
    # re-pointing the citation at a disputed fact is checked too
    expect_sqlstate(db, "update knowledge.talking_points_generation_fact set fact_id = %s where "
                        "generation_id = %s",
                    (bad, gid), "23514")
    # moving the generation to a time when the fact had expired is refused
    expect_sqlstate(db, "update knowledge.talking_points_generation set generated_at = %s where "
                        "generation_id = %s",
                    (T0 + dt.timedelta(days=2), gid), "23514")
    # a generation without citations may be re-timed
    other = add_generation(db, ctx, T0)
    db.execute("update knowledge.talking_points_generation set generated_at = %s where generation_id = %s",
               (T0 + dt.timedelta(days=2), other))
    # expiry is exclusive: a fact expiring exactly at generation time is not citable
    edge = add_fact(db, ctx["user"], "verified", T0 - dt.timedelta(days=1), T0 - dt.timedelta(days=1), T0)
    expect_sqlstate(db, "insert into knowledge.talking_points_generation_fact values (%s, "
                        "%s)", (gid, edge), "23514")
    expect_sqlstate(db, "insert into knowledge.talking_points_generation_fact values (%s, "
                        "-1)", (gid,), "23503")
    # deleting a generation deletes its citations; a cited fact cannot be deleted
    expect_sqlstate(db, "delete from knowledge.knowledge_base where fact_id = %s", (good,), "23503")
    db.execute("delete from knowledge.talking_points_generation where generation_id = %s", (gid,))
    assert db.execute("select count(*) from knowledge.talking_points_generation_fact").fetchone()[0] == 0


@pytest.mark.server_timers
def test_citation_check_holds_a_lock_on_the_fact(url, ctx):
    """A fact cannot be un-verified between the citation check and the citing commit."""
    with psycopg.connect(url) as a, psycopg.connect(url) as b:
        fid = add_fact(a, ctx["user"], "verified", T0 - dt.timedelta(days=1), T0 - dt.timedelta(days=1), None)
        a.commit()
        gid = add_generation(a, ctx, T0)
        a.execute("insert into knowledge.talking_points_generation_fact values (%s, %s)", (gid, fid))
        b.execute("set lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            b.execute("update knowledge.knowledge_base set verification_status = 'disputed' where fact_id = "
                      "%s",
                      (fid,))
        b.rollback()
        a.rollback()


CASES = [
    ("insert into knowledge.knowledge_base (title, content, content_type) values ('t', 'c', "
     "'rumour')", "23514"),
    ("insert into knowledge.knowledge_base (title, content, content_type, verification_status) "
     "values ('t', 'c', 'fact', 'maybe')", "23514"),
    ("insert into knowledge.knowledge_base (title, content, content_type, verification_status) "
     "values ('t', 'c', 'fact', 'verified')", "23514"),
    ("insert into knowledge.knowledge_base (title, content, content_type, credibility_score) "
     "values ('t', 'c', 'fact', 120)", "23514"),
    ("insert into knowledge.knowledge_base (title, content, content_type, valid_from, expires_at) "
     "values ('t', 'c', 'fact', now(), now() - interval '1 day')", "23514"),
    ("insert into knowledge.knowledge_base (title, content, content_type, ward_name) "
     "values ('t', 'c', 'fact', 'Atlantis')", "23503"),
    ("insert into knowledge.knowledge_base (title, content, content_type, metadata) values ('t', 'c', "
     "'fact', '[]')",
     "23514"),
    ("insert into knowledge.talking_points_template (name, purpose, body) values ('n', 'tweetstorm', "
     "'b')", "23514"),
    ("insert into knowledge.talking_points_template (name, purpose, body) values ('water', 'debate', "
     "'b')", "23505"),
    ("insert into knowledge.talking_points_generation (template_id, user_id, ward_name, output) "
     "values ({t}, {u}, 'Atlantis', 'o')", "23503"),
    ("insert into knowledge.talking_points_generation (template_id, user_id, ward_name, output) "
     "values ({t}, -1, 'Kapra', 'o')", "23503"),
    ("insert into knowledge.talking_points_generation (template_id, user_id, ward_name, output) "
     "values (-1, {u}, 'Kapra', 'o')", "23503"),
    ("insert into knowledge.fact_check_result (claim_text, verdict, confidence) values ('c', 'true', "
     "1.5)", "23514"),
    ("insert into knowledge.fact_check_result (claim_text, verdict, confidence) values ('c', "
     "'pants_on_fire', 1)",
     "23514"),
    ("insert into knowledge.fact_check_result (claim_text, verdict, confidence, method) values ('c', "
     "'true', 1, 'vibes')",
     "23514"),
    ("insert into knowledge.fact_check_result (claim_text, verdict, confidence, evidence) "
     "values ('c', 'true', 1, '{{}}')", "23514"),
    ("insert into knowledge.campaign_position (party, topic, stance, statement) values ('INC', 'roads', "
     "'maybe', 's')",
     "23514"),
    ("insert into knowledge.campaign_position (party, topic, stance, statement) values ('TRS', 'roads', "
     "'support', 's')",
     "23503"),
    ("insert into knowledge.campaign_position (party, topic, stance, statement) values ('INC', 'Roads!', "
     "'support', 's')",
     "23514"),
    ("insert into knowledge.campaign_position (party, topic, stance, statement, effective_from, "
     "effective_to) "
     "values ('INC', 'roads', 'support', 's', now(), now())", "23514"),
]


def test_vocabularies_and_references_are_enforced(db, ctx):
    for sql, state in CASES:
        expect_sqlstate(db, sql.format(t=ctx["template"], u=ctx["user"]), state=state)
