"""Budgets: spend recorded with each execution (hypothesis vs a plain-Python oracle), status
thresholds, circuit breaker transitions, can_spend, concurrent recorders."""

from __future__ import annotations

import threading
from decimal import Decimal

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROVIDERS = ["openai", "anthropic", "perplexity", "google"]
OPERATIONS = ["report_generation", "embedding", "retrieval", "chat"]


def add_budget(
    db,
    ident="2026-11",
    total="100.00",
    emergency="0",
    start="2026-11-01",
    end="2026-12-01",
    ptype="monthly",
    **extra,
):
    cols = ", ".join(
        [
            "period_type",
            "period_identifier",
            "period_start",
            "period_end",
            "total_budget_usd",
            "emergency_budget_usd",
            *extra,
        ]
    )
    vals = [ptype, ident, start, end, total, emergency, *extra.values()]
    (bid,) = db.execute(
        f"insert into ai.budget_tracker ({cols}) values ({', '.join(['%s'] * len(vals))})"
        " returning budget_id",
        vals,
    ).fetchone()
    return bid


def record(
    db,
    cost,
    at="2026-11-15 12:00+00",
    provider="openai",
    op="chat",
    user=None,
    status="success",
    tokens=(10, 5),
):
    return db.execute(
        "select ai.record_model_execution(%s, %s, %s, 'm', %s::numeric, %s, %s, %s, 0, null, %s, null,"
        " %s, %s)",
        [
            "req",
            op,
            provider,
            cost,
            status,
            tokens[0],
            tokens[1],
            user,
            None if status == "success" else "failed",
            at,
        ],
    ).fetchone()[0]


def budget(db, bid):
    return db.execute(
        "select current_spend_usd, budget_status, circuit_breaker_active, spend_by_service,"
        " spend_by_operation, spend_by_user, request_count, successful_requests, failed_requests,"
        " total_tokens_processed from ai.budget_tracker where budget_id = %s",
        [bid],
    ).fetchone()


def oracle_status(spend: Decimal, total: Decimal, warning=Decimal("0.75"), critical=Decimal("0.90")) -> str:
    if spend >= total:
        return "exceeded"
    if spend >= total * critical:
        return "critical"
    if spend >= total * warning:
        return "warning"
    return "normal"


costs = st.decimals(min_value=Decimal("0"), max_value=Decimal("30"), places=10, allow_nan=False)
executions = st.lists(
    st.tuples(
        costs,
        st.sampled_from(PROVIDERS),
        st.sampled_from(OPERATIONS),
        st.sampled_from([None, 1, 2]),
        st.booleans(),
        st.integers(0, 40),
    ),  # day offset: inside or outside the period
    max_size=12,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(execs=executions, total=st.decimals(min_value=Decimal("1"), max_value=Decimal("200"), places=2))
def test_budget_arithmetic_matches_the_oracle(db, execs, total):
    db.rollback()
    db.execute("delete from ai.model_execution")
    db.execute("delete from ai.budget_tracker")
    db.execute("delete from core.app_user")
    users = {}
    for u in (1, 2):
        users[u] = db.execute(
            "insert into core.app_user (username, email, password_hash) values (%s, %s, %s)"
            " returning user_id",
            [f"u{u}", f"u{u}@x.invalid", "x" * 32],
        ).fetchone()[0]
    bid = add_budget(db, total=str(total))
    spend, by_service, by_op, by_user = Decimal(0), {}, {}, {}
    n = ok = tokens = 0
    for cost, provider, op, user, success, day in execs:
        at = "2026-10-20 00:00+00" if day >= 35 else f"2026-11-{1 + day % 30:02d} 08:00+00"
        record(
            db,
            str(cost),
            at=at,
            provider=provider,
            op=op,
            user=users.get(user),
            status="success" if success else "error",
        )
        if day >= 35:
            continue  # outside the period: not charged
        spend += cost
        by_service[provider] = by_service.get(provider, 0) + cost
        by_op[op] = by_op.get(op, 0) + cost
        key = str(users[user]) if user else "anonymous"
        by_user[key] = by_user.get(key, 0) + cost
        n += 1
        ok += success
        tokens += 15
    row = budget(db, bid)
    assert row[0] == spend
    assert row[1] == oracle_status(spend, total)
    assert row[2] == (spend >= total)
    assert {k: Decimal(str(v)) for k, v in row[3].items()} == by_service
    assert {k: Decimal(str(v)) for k, v in row[4].items()} == by_op
    assert {k: Decimal(str(v)) for k, v in row[5].items()} == by_user
    assert row[6:] == (n, ok, n - ok, tokens)
    db.rollback()


def test_one_statement_charges_several_budgets_and_periods(db):
    month = add_budget(db, "2026-11", total="10")
    day = add_budget(db, "2026-11-15", total="1", ptype="daily", start="2026-11-15", end="2026-11-16")
    db.execute(
        "insert into ai.model_execution (request_id, operation_type, provider, model_name, cost_usd, status,"
        " error_code, created_at) values ('a', 'chat', 'openai', 'm', 0.5, 'success', null,"
        " '2026-11-15 10:00+00'), ('b', 'chat', 'google', 'm', 0.25, 'success', null, '2026-11-16 10:00+00'),"
        " ('c', 'chat', 'openai', 'm', 0.125, 'timeout', 'deadline', '2026-11-15 23:59:59+00')"
    )
    assert budget(db, month)[0] == Decimal("0.875")
    assert budget(db, day)[0] == Decimal("0.625")
    assert budget(db, day)[3] == {"openai": Decimal("0.625")}
    assert budget(db, day)[6:9] == (2, 1, 1)


def test_circuit_breaker_transitions(db):
    bid = add_budget(db, total="10.00", emergency="2.00")
    seen = []
    for cost in ["5", "2.5", "1.5", "0.99", "0.01"]:
        record(db, cost)
        seen.append(budget(db, bid)[1:3])
    assert seen == [
        ("normal", False),
        ("warning", False),
        ("critical", False),
        ("critical", False),
        ("exceeded", True),
    ]
    # "now" is passed explicitly: the budget period is November 2026, whatever today is
    assert not db.execute("select ai.can_spend('openai', 0, '2026-11-15 13:00+00')").fetchone()[0]
    assert (
        db.execute("select reason from ai.budget_check('openai', 0, '2026-11-15 13:00+00')").fetchone()[0]
        == "circuit breaker open"
    )
    # critical work may use the emergency budget, and no more
    assert db.execute("select ai.can_spend('openai', 2, '2026-11-15 13:00+00', 'critical')").fetchone()[0]
    assert not db.execute(
        "select ai.can_spend('openai', 2.01, '2026-11-15 13:00+00', 'critical')"
    ).fetchone()[0]
    # the breaker cannot be closed while spend is at the total ...
    assert db.execute("select ai.reset_circuit_breaker(%s)", [bid]).fetchone()[0] is True
    # ... but raising the budget and resetting closes it; status follows
    db.execute("update ai.budget_tracker set total_budget_usd = 20 where budget_id = %s", [bid])
    assert budget(db, bid)[1:3] == ("normal", True)
    assert db.execute("select ai.reset_circuit_breaker(%s)", [bid]).fetchone()[0] is False
    assert db.execute("select ai.can_spend('openai', 9.99, '2026-11-15 13:00+00')").fetchone()[0]
    assert not db.execute("select ai.can_spend('openai', 10.01, '2026-11-15 13:00+00')").fetchone()[0]
    # outside every budget period: nothing forbids spending
    assert db.execute("select ai.can_spend('openai', 1000, '2030-01-01')").fetchone()[0]


def test_service_and_operation_allocations(db):
    add_budget(
        db, total="100", allocated_by_service='{"openai": 5}', allocated_by_operation='{"embedding": 1}'
    )
    at = "2026-11-15 13:00+00"
    record(db, "4.5", provider="openai")
    assert db.execute("select ai.can_spend('openai', 0.5, %s)", [at]).fetchone()[0]
    assert not db.execute("select ai.can_spend('openai', 0.51, %s)", [at]).fetchone()[0]
    assert db.execute("select ai.can_spend('google', 50, %s)", [at]).fetchone()[0]
    record(db, "1", provider="google", op="embedding")
    assert not db.execute("select ai.can_spend('google', 0.01, %s, 'normal', 'embedding')", [at]).fetchone()[
        0
    ]
    assert (
        db.execute(
            "select reason from ai.budget_check('google', 0.01, %s, 'normal', 'embedding')", [at]
        ).fetchone()[0]
        == "operation allocation exhausted"
    )


def test_recorded_accounting_columns_are_immutable(db):
    add_budget(db)
    eid = record(db, "1")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
        db.execute("update ai.model_execution set cost_usd = 0 where execution_id = %s", [eid])
    db.rollback()
    db.execute("update ai.model_execution set quality_score = 0.5 where execution_id = %s", [eid])


def _cost(t: int, i: int) -> Decimal:
    return (Decimal(t * 1000 + i + 1) / Decimal("1000007")).quantize(Decimal("1e-10"))


def test_concurrent_recorders_sum_exactly(db, url):
    month = add_budget(db, total="1000000")
    day = add_budget(db, "2026-11-15", ptype="daily", start="2026-11-15", end="2026-11-16", total="0.10")
    db.commit()
    threads, per_thread, errors = 4, 40, []

    def worker(t: int) -> None:
        try:
            with psycopg.connect(url) as conn:
                for i in range(per_thread):
                    conn.execute(
                        "select ai.record_model_execution('r', 'chat', %s, 'm', %s::numeric,"
                        " 'success', 1, 1, 0, null, null, null, null, '2026-11-15 09:00+00')",
                        [PROVIDERS[(t + i) % 4], str(_cost(t, i))],
                    )
                    if i % 3 == 0:
                        conn.commit()
                conn.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    assert not errors
    expected = sum(_cost(t, i) for t in range(threads) for i in range(per_thread))
    (total,) = db.execute("select sum(cost_usd) from ai.model_execution").fetchone()
    assert total == expected
    for bid in (month, day):
        row = budget(db, bid)
        assert row[0] == expected
        assert row[6] == threads * per_thread
        assert sum(Decimal(str(v)) for v in row[3].values()) == expected
    assert budget(db, month)[1:3] == ("normal", False)
    assert budget(db, day)[1:3] == ("exceeded", True)


def test_budget_overspend_integrity_check(db):
    def check():
        return db.execute(
            "select status, record_count from ops.validate_data_integrity()"
            " where check_name = 'budget_overspend'"
        ).fetchone()

    assert check() == ("PASS", 0)  # empty database
    bid = add_budget(db, total="1.00", emergency="0.50")
    record(db, "1.2")
    assert check() == ("WARN", 1)
    record(db, "0.4")
    assert check() == ("FAIL", 1)
    db.execute("update ai.budget_tracker set total_budget_usd = 10 where budget_id = %s", [bid])
    assert check() == ("PASS", 0)
