"""check_performance_thresholds(), threshold_status() against a Python oracle, and the
unqualified seed names for the application role."""

from __future__ import annotations

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lokdarpan_db.migrations.engine import Deployer

from ..audit.helpers import as_role, sqlstate_of
from ..conftest import ROOT

STATUSES = {"OK", "WARN", "CRITICAL", "NOT AVAILABLE"}


def metrics(conn, slow_ms=1000):
    return {
        r[0]: r[1:]
        for r in conn.execute(
            "select metric_name, current_value, threshold, status from ops.check_performance_thresholds(%s)",
            [slow_ms],
        )
    }


def oracle(value, warn, critical, direction):
    if value is None:
        return "NOT AVAILABLE"
    bad_c = value >= critical if direction == "above" else value <= critical
    bad_w = value >= warn if direction == "above" else value <= warn
    return "CRITICAL" if bad_c else "WARN" if bad_w else "OK"


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.one_of(st.none(), st.integers(-5, 105)),
    a=st.integers(0, 100),
    b=st.integers(0, 100),
    direction=st.sampled_from(["above", "below"]),
)
def test_threshold_status_matches_oracle(db, value, a, b, direction):
    warn, critical = (min(a, b), max(a, b)) if direction == "above" else (max(a, b), min(a, b))
    got = db.execute("select ops.threshold_status(%s, %s, %s, %s)", [value, warn, critical, direction]).fetchone()[0]
    assert got == oracle(value, warn, critical, direction)


def test_every_metric_reports(db):
    m = metrics(db)
    assert set(m) == {
        "cache_hit_ratio",
        "connection_usage",
        "slow_statements",
        "replication_lag",
        "long_transactions",
        "xid_age",
    }
    assert {s for _, _, s in m.values()} <= STATUSES
    assert m["replication_lag"] == (None, 30, "NOT AVAILABLE")  # no standby here
    assert m["connection_usage"][0] > 0 and m["connection_usage"][2] == "OK"
    assert m["long_transactions"][0] == 0
    assert m["xid_age"][2] == "OK"


def test_slow_statements_follow_the_limit(db):
    loaded = db.execute(
        "select count(*) from pg_settings where name = 'shared_preload_libraries' "
        "and setting like '%pg_stat_statements%'"
    ).fetchone()[0]
    if not loaded:
        pytest.skip("the test server does not preload pg_stat_statements")
    db.execute("select pg_sleep(0.03)")
    db.commit()
    slow = metrics(db, slow_ms=5)["slow_statements"]
    assert slow[0] >= 1 and slow[2] in ("WARN", "CRITICAL")
    assert metrics(db, slow_ms=10**9)["slow_statements"] == (0, 1, "OK")
    assert sqlstate_of(db, "select * from ops.check_performance_thresholds(0)") == "22023"


def test_slow_statements_not_available_without_the_extension(db):
    db.execute("drop extension pg_stat_statements")
    assert metrics(db)["slow_statements"] == (None, 1, "NOT AVAILABLE")
    db.rollback()


def test_thresholds_are_tunable_and_critical_shows_the_critical_level(db):
    db.execute(
        "update ops.performance_threshold set warn_at = 0, critical_at = 0 where metric_name = 'connection_usage'"
    )
    assert metrics(db)["connection_usage"][1:] == (0, "CRITICAL")
    db.execute(
        "update ops.performance_threshold set warn_at = 0, critical_at = 100 where metric_name = 'connection_usage'"
    )
    assert metrics(db)["connection_usage"][1:] == (0, "WARN")
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute(
            "update ops.performance_threshold set warn_at = 50, critical_at = 10 where metric_name = 'connection_usage'"
        )
    db.rollback()


def test_a_non_privileged_role_sees_server_wide_numbers(db, roles):
    analyst = roles.login("lokdarpan_analyst", "an")
    as_super = metrics(db)["connection_usage"][0]
    with as_role(db, analyst):
        assert metrics(db)["connection_usage"][0] == as_super


def test_seed_names_resolve_unqualified_for_the_application_role(empty_db):
    """Deploy the plan, then behave like a lokdarpan_app login: the per-database setting gives
    the search_path under which the seeds' unqualified calls work."""
    Deployer(empty_db, ROOT).deploy()
    with psycopg.connect(empty_db) as conn:
        setting = conn.execute(
            "select cfg from pg_db_role_setting s, unnest(s.setconfig) cfg "
            "where s.setrole = 'lokdarpan_app'::regrole and cfg like 'search_path=%%' "
            "and s.setdatabase = (select oid from pg_database where datname = current_database())"
        ).fetchone()
        assert setting is not None
        with as_role(conn, "lokdarpan_app"):
            conn.execute("select set_config('search_path', %s, true)", [setting[0].split("=", 1)[1]])
            names = {r[0] for r in conn.execute("select check_name from validate_data_integrity()")}
            assert {"post_orphans", "ward_rls"} <= names
            assert conn.execute("select count(*) from check_performance_thresholds()").fetchone()[0] == 6
            assert conn.execute("select ward_lookup('kapra')").fetchone()[0] == "Kapra"
        conn.rollback()
    Deployer(empty_db, ROOT).revert()
