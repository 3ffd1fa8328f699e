"""Shared helpers of the domain-module tests: SQLSTATE assertions and exact decimal rounding."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import psycopg
import pytest


def expect_sqlstate(conn: psycopg.Connection, sql: str, params=None, state: str = "23514",
                    *, immediate: bool = False) -> psycopg.Error:
    """Run ``sql`` in a savepoint and assert it fails with ``state``; the savepoint is rolled
    back so the surrounding transaction stays usable. ``immediate`` fires deferred constraint
    triggers inside the savepoint (SET CONSTRAINTS ALL IMMEDIATE)."""
    with pytest.raises(psycopg.Error) as info:  # noqa: PT012
        with conn.transaction():
            conn.execute(sql, params)
            if immediate:
                conn.execute("set constraints all immediate")
    assert info.value.sqlstate == state, f"{info.value.sqlstate} {info.value}"
    return info.value


def round_half_up(q: Fraction | int | None, places: int) -> Decimal | None:
    """PostgreSQL's round(numeric, n): to nearest, ties away from zero, computed exactly."""
    if q is None:
        return None
    q = Fraction(q)
    scale = 10 ** places
    sign = -1 if q < 0 else 1
    n = (abs(q) * scale + Fraction(1, 2)).__floor__()
    return Decimal(sign * n) / Decimal(scale)


def dec(x) -> Decimal | None:
    return None if x is None else Decimal(x)
