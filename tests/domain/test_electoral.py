"""electoral: the ward aggregation against a plain-Python oracle (votes, vote shares, ranks,
turnout, totals), the ward profile refresh, and every vocabulary / ordering rule by SQLSTATE."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import expect_sqlstate, round_half_up

PARTIES = ["BJP", "INC", "BRS", "AIMIM", "NOTA", "Independent"]
WARDS = ["Kapra", "Uppal", "Jubilee Hills", None]  # None: a station outside GHMC


@st.composite
def station(draw):
    electors = draw(st.integers(0, 1500))
    polled = draw(st.integers(0, electors))
    rejected = draw(st.integers(0, polled))
    valid = polled - rejected
    parties = draw(st.lists(st.sampled_from(PARTIES), unique=True, max_size=len(PARTIES)))
    votes = {}
    left = valid
    for p in parties:
        v = draw(st.integers(0, left))
        votes[p] = v
        left -= v
    return {"ward": draw(st.sampled_from(WARDS)), "electors": electors, "polled": polled,
            "rejected": rejected, "votes": votes}


def load(conn, stations, year=2020):
    eid = conn.execute("insert into electoral.election (election_type, election_year) values ('GHMC', %s) "
                       "returning election_id", (year,)).fetchone()[0]
    for i, s in enumerate(stations):
        sid = conn.execute(
            "insert into electoral.polling_station (form20_id, station_name, assembly_constituency, "
            "ward_name) "
            "values (%s, %s, 'Uppal', %s) returning polling_station_id",
            (f"PS-{year}-{i}", f"Station {i}", s["ward"])).fetchone()[0]
        conn.execute("insert into electoral.result_ps_total (election_id, polling_station_id, electors, "
                     "total_polled, rejected_votes) values (%s, %s, %s, %s, %s)",
                     (eid, sid, s["electors"], s["polled"], s["rejected"]))
        for party, v in s["votes"].items():
            conn.execute("insert into electoral.result_ps (election_id, polling_station_id, party, votes) "
                         "values (%s, %s, %s, %s)", (eid, sid, party, v))
    return eid


def oracle(stations):
    tot = defaultdict(lambda: [0, 0, 0, 0])  # stations, electors, polled, rejected
    votes = defaultdict(lambda: defaultdict(int))
    for s in stations:
        if s["ward"] is None:
            continue
        t = tot[s["ward"]]
        t[0] += 1
        t[1] += s["electors"]
        t[2] += s["polled"]
        t[3] += s["rejected"]
        for p, v in s["votes"].items():
            votes[s["ward"]][p] += v
    out = {}
    for ward, pv in votes.items():
        valid = sum(pv.values())
        n, electors, polled, rejected = tot[ward]
        for p, v in pv.items():
            out[(ward, p)] = (
                v, round_half_up(Fraction(100 * v, valid), 4) if valid else None,
                1 + sum(1 for x in pv.values() if x > v), valid, polled, rejected, electors,
                round_half_up(Fraction(100 * polled, electors), 2) if electors else None, n)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stations=st.lists(station(), max_size=12))
def test_ward_aggregation_matches_oracle(db, stations):
    try:
        eid = load(db, stations)
        n = db.execute("select electoral.aggregate_ward_results(%s)", (eid,)).fetchone()[0]
        rows = db.execute(
            "select ward_name, party, votes, vote_share, party_rank, valid_votes, total_polled, "
            "rejected_votes, "
            "electors, turnout_pct, polling_stations from electoral.result_ward_agg where election_id = %s",
            (eid,)).fetchall()
        got = {(r[0], r[1]): tuple(r[2:]) for r in rows}
        want = oracle(stations)
        assert n == len(want)
        assert got == want
        # the invariants the issue names, on top of the oracle
        for ward in {w for w, _ in want}:
            shares = [v[1] for (w, _), v in want.items() if w == ward]
            if all(s is not None for s in shares):
                assert abs(sum(shares) - 100) <= len(shares) * 0.00005
        assert all(v[7] is None or 0 <= v[7] <= 100 for v in got.values())
        # recomputing replaces, never duplicates
        assert db.execute("select electoral.aggregate_ward_results(%s)", (eid,)).fetchone()[0] == n
    finally:
        db.rollback()


def test_aggregation_of_an_unknown_or_empty_election(db):
    expect_sqlstate(db, "select electoral.aggregate_ward_results(-1)", state="P0002")
    eid = load(db, [])
    assert db.execute("select electoral.aggregate_ward_results(%s)", (eid,)).fetchone()[0] == 0
    # a station with totals but no valid vote: share is NULL, no division by zero
    eid2 = load(db, [{"ward": "Kapra", "electors": 0, "polled": 0, "rejected": 0, "votes": {"BJP": 0}}], 2021)
    db.execute("select electoral.aggregate_ward_results(%s)", (eid2,))
    assert db.execute("select vote_share, turnout_pct from electoral.result_ward_agg where election_id = %s",
                      (eid2,)).fetchone() == (None, None)


def test_profile_takes_the_winner_of_the_election(db):
    eid = load(db, [{"ward": "Kapra", "electors": 100, "polled": 80, "rejected": 5,
                     "votes": {"BJP": 30, "INC": 40, "NOTA": 5}},
                    {"ward": "Uppal", "electors": 50, "polled": 10, "rejected": 0, "votes": {"BRS": 10}}])
    db.execute("select electoral.aggregate_ward_results(%s)", (eid,))
    assert db.execute("select electoral.refresh_ward_profile(%s)", (eid,)).fetchone()[0] == 2
    assert db.execute("select electors, votes_cast, turnout_pct, last_winner_party, last_winner_year, "
                      "last_election_id from electoral.ward_profile where ward_name = "
                      "'Kapra'").fetchone() == (
        100, 80, 80, "INC", 2020, eid)


def test_party_votes_cannot_exceed_valid_votes_at_commit(url):
    with psycopg.connect(url) as conn:
        eid = load(conn, [{"ward": "Kapra", "electors": 100, "polled": 50, "rejected": 10,
                           "votes": {"BJP": 40}}])
        conn.commit()
        sid = conn.execute("select polling_station_id from electoral.result_ps_total where election_id = %s",
                           (eid,)).fetchone()[0]
        conn.execute("insert into electoral.result_ps (election_id, polling_station_id, party, votes) "
                     "values (%s, %s, 'INC', 1)", (eid, sid))
        try:
            conn.commit()
            raise AssertionError("41 party votes for 40 valid votes were committed")
        except psycopg.Error as exc:
            assert exc.sqlstate == "23514"
        # raising rejected votes under the committed party votes is refused too
        conn.rollback()
        expect_sqlstate(conn, "update electoral.result_ps_total set rejected_votes = 11 where election_id = "
                              "%s",
                        (eid,), "23514", immediate=True)


CASES = [
    ("insert into electoral.election (election_type, election_year) values ('MAYOR', 2020)", "23514"),
    ("insert into electoral.election (election_type, election_year) values ('GHMC', 1800)", "23514"),
    ("insert into electoral.election (election_type, election_year, election_round) values ('GHMC', 2020, "
     "0)", "23514"),
    ("insert into electoral.election (election_type, election_year, polling_date) "
     "values ('GHMC', 2020, '2019-12-01')", "23514"),
    ("insert into electoral.polling_station (form20_id, station_name, assembly_constituency, ward_name) "
     "values ('X1', 'S', 'Uppal', 'Atlantis')", "23503"),
    ("insert into electoral.polling_station (form20_id, station_name, assembly_constituency, latitude) "
     "values ('X1', 'S', 'Uppal', 17.4)", "23514"),
    ("insert into electoral.polling_station (form20_id, station_name, assembly_constituency, latitude, "
     "longitude) "
     "values ('X1', 'S', 'Uppal', 95, 78)", "23514"),
    ("insert into electoral.polling_station (form20_id, station_name, assembly_constituency) "
     "values (' X1', 'S', 'Uppal')", "23514"),
    ("insert into electoral.result_ps_total (election_id, polling_station_id, electors, total_polled) "
     "values ({e}, {s}, 10, 11)", "23514"),
    ("insert into electoral.result_ps_total (election_id, polling_station_id, electors, total_polled, "
     "rejected_votes) "
     "values ({e}, {s}, 10, 5, 6)", "23514"),
    ("insert into electoral.result_ps (election_id, polling_station_id, party, votes) "
     "values ({e}, {s}, 'BJP', 1)", "23503"),
    ("insert into electoral.ward_profile (ward_name, electors, votes_cast) values ('Kapra', 10, "
     "11)", "23514"),
    ("insert into electoral.ward_profile (ward_name, turnout_pct) values ('Kapra', 100.5)", "23514"),
    ("insert into electoral.ward_profile (ward_name, last_winner_party) values ('Kapra', 'TRS')", "23503"),
    ("insert into electoral.ward_profile (ward_name) values ('Atlantis')", "23503"),
    ("insert into electoral.ward_demographics (ward_name, internet_penetration_pct) values ('Kapra', "
     "-1)", "23514"),
    ("insert into electoral.ward_demographics (ward_name, age_18_25_pct, age_26_40_pct, age_41_60_pct, "
     "age_60_plus_pct) values ('Kapra', 30, 30, 30, 11)", "23514"),
    ("insert into electoral.ward_features (ward_name, party_shares) values ('Kapra', '[]')", "23514"),
    ("insert into electoral.ward_features (ward_name, volatility) values ('Kapra', 101)", "23514"),
]


def test_vocabularies_and_ranges_are_enforced(db):
    e = db.execute("insert into electoral.election (election_type, election_year) values ('ASSEMBLY', 2023) "
                   "returning election_id").fetchone()[0]
    s = db.execute("insert into electoral.polling_station (form20_id, station_name, assembly_constituency) "
                   "values ('F20', 'S', 'Uppal') returning polling_station_id").fetchone()[0]
    for sql, state in CASES:
        expect_sqlstate(db, sql.format(e=e, s=s), state=state)
    expect_sqlstate(db, "insert into electoral.polling_station (form20_id, station_name, "
                        "assembly_constituency) "
                        "values ('F20', 'T', 'Uppal')", state="23505")
