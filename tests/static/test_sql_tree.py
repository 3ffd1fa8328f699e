"""Lints over the SQL tree (no database needed): layout, headers, transaction shape, keyword
case, psql meta-commands, syntax."""

from __future__ import annotations

import re

import pglast
import pytest
from pglast.parser import scan

from lokdarpan_db.migrations.plan import KINDS, load_plan
from lokdarpan_db.migrations.scripts import parse_script

from ..conftest import ROOT

PLAN = load_plan(ROOT)
SCRIPTS = [(c, kind) for c in PLAN.changes for kind in KINDS]
IDS = [f"{kind}:{c.change_id}" for c, kind in SCRIPTS]
HEADER = {"deploy": "-- Deploy lokdarpan:{} to pg", "revert": "-- Revert lokdarpan:{} from pg",
          "verify": "-- Verify lokdarpan:{} on pg"}


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
    text = change.read(kind)
    first = text.splitlines()[0]
    assert first == HEADER[kind].format(change.name), f"{change.script(kind)}: first line"
    if kind == "deploy":
        script = parse_script(text, str(change.script(kind)))
        assert sorted(script.requires) == sorted(change.requires), (
            f"{change.script(kind)}: '-- requires:' lines must match the plan")
        why = [h for h in script.header[1:] if not re.match(r"--\s*(requires|transactional)", h)]
        assert why, f"{change.script(kind)}: say why the change exists under the header"


@pytest.mark.parametrize(("change", "kind"), SCRIPTS, ids=IDS)
def test_transaction_shape_and_syntax(change, kind):
    text = change.read(kind)
    where = str(change.script(kind))
    assert not re.search(r"^\s*\\[a-zA-Z]", text, re.M), f"{where}: psql meta-command"
    script = parse_script(text, where)  # raises on a bad shape
    if script.transactional:
        end = "rollback" if kind == "verify" else "commit"
        assert re.search(rf"^{end};\s*\Z", text, re.M | re.I), f"{where}: must end with {end};"
        no_tx = r"(create|drop)\s+(unique\s+)?index\s+concurrently|reindex\s+\(?[^;]*concurrently|detach\s+partition[^;]*concurrently"
        assert not re.search(no_tx, script.body, re.I) or kind == "verify", (
            f"{where}: CONCURRENTLY needs a '-- transactional: false' script")
    stmts = pglast.parser.split(script.body)
    if not script.transactional:
        assert len(stmts) == 1, f"{where}: a non-transactional script holds one statement"
    pglast.parser.parse_sql(script.body)  # syntax


@pytest.mark.parametrize(("change", "kind"), SCRIPTS, ids=IDS)
def test_keywords_are_lower_case(change, kind):
    body = parse_script(change.read(kind)).body
    upper = []
    for tok in scan(body):
        if tok.kind in ("RESERVED_KEYWORD", "UNRESERVED_KEYWORD", "COL_NAME_KEYWORD",
                        "TYPE_FUNC_NAME_KEYWORD"):
            word = body[tok.start : tok.end + 1]
            if word.isupper() and len(word) > 1:
                upper.append(word)
    assert upper[:5] == [], f"{change.script(kind)}: keywords are lower-case in this tree"


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
