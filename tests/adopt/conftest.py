"""Fixtures for the adoption tests: a database with the plan deployed and the legacy
application's tables (tests/adopt/legacy_fixture.sql) in schema public."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ..conftest import db_url

FIXTURE = Path(__file__).with_name("legacy_fixture.sql")


def load_legacy(url: str, sql: str | None = None) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql if sql is not None else FIXTURE.read_text())


@pytest.fixture
def legacy_url(url) -> str:
    """The per-test database (plan deployed) with the legacy fixture loaded into public."""
    load_legacy(url)
    return url


@pytest.fixture
def legacy_empty_url(empty_db) -> str:
    """A database with nothing of ours deployed, only the legacy fixture."""
    load_legacy(empty_db)
    return empty_db


@pytest.fixture
def clone_db(admin_url, template_db) -> Iterator:
    """A factory of fresh databases cloned from the deployed template (dropped afterwards)."""
    made: list[str] = []

    def make() -> str:
        name = f"ld_adopt_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'create database "{name}" template "{template_db.template_dbname}"')
        made.append(name)
        return db_url(admin_url, name)

    yield make
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f'drop database if exists "{name}" with (force)')
