"""Lints over the SQL tree (no database needed): layout, headers, transaction shape, keyword
case, psql meta-commands, syntax."""

from __future__ import annotations

import re

import pglast
import pytest

from lokdarpan_db.migrations.plan import KINDS, load_plan
from lokdarpan_db.migrations.scripts import parse_script

from ..conftest import ROOT
from .sql_lints import check_header, check_keywords_lower_case, check_transaction_shape_and_syntax

PLAN = load_plan(ROOT)
SCRIPTS = [(c, kind) for c in PLAN.changes for kind in KINDS]
IDS = [f"{kind}:{c.change_id}" for c, kind in SCRIPTS]


def test_every_change_has_three_scripts_and_no_script_is_orphaned():
    expected = {c.script(kind).resolve() for c, kind in SCRIPTS}
    missing = [str(p) for p in expected if not p.exists()]
    on_disk = {p.resolve() for kind in KINDS for p in (PLAN.top_dir / kind).rglob("*.sql")}
    assert missing == []
    assert sorted(map(str, on_disk - expected)) == []


def test_plan_ends_with_a_tag_only_when_released():
    # every change belongs to a module folder and every module is one of the schemas
    modules = {c.module for c in PLAN.changes}
    assert "" not in modules
    for c in PLAN.changes:
        if c.name.endswith("/schema"):
            continue
        assert f"{c.module}/schema" in {x.name for x in PLAN.changes}, c.name


@pytest.mark.parametrize(("change", "kind"), SCRIPTS, ids=IDS)
def test_header_names_change_and_requires(change, kind):
    check_header(change.read(kind), kind, change.name, change.requires, str(change.script(kind)))


@pytest.mark.parametrize(("change", "kind"), SCRIPTS, ids=IDS)
def test_transaction_shape_and_syntax(change, kind):
    check_transaction_shape_and_syntax(change.read(kind), kind, str(change.script(kind)))


@pytest.mark.parametrize(("change", "kind"), SCRIPTS, ids=IDS)
def test_keywords_are_lower_case(change, kind):
    check_keywords_lower_case(change.read(kind), str(change.script(kind)))


def test_no_non_immutable_index_predicates_or_checks():
    bad = re.compile(r"(where|check)\s*\([^;]*\b(now\(\)|current_date|current_timestamp)", re.I)
    offenders = []
    for c in PLAN.changes:
        body = parse_script(c.read("deploy")).body
        for stmt in pglast.parser.split(body):
            s = stmt.lower()
            if ("create index" in s or "create unique index" in s or "check" in s) and \
                    "function" not in s and bad.search(stmt):
                offenders.append(c.change_id)
    assert offenders == []


def test_ward_seed_matches_the_data_file():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen", ROOT / "tools" / "gen_ward_seed.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    text = (ROOT / "sql" / "deploy" / "core" / "ward.sql").read_text()
    assert gen.seed_sql() in text, "run python tools/gen_ward_seed.py"
    assert len(gen.rows()) == 145 and len({n for _, n in gen.rows()}) == 145
