"""Lints over the SQL tree (no database needed): layout, headers, transaction shape, keyword
case, psql meta-commands, syntax."""

from __future__ import annotations

import re

import pglast
import pytest

from lokdarpan_db.migrations.plan import KINDS, load_plan
from lokdarpan_db.migrations.scripts import parse_script, split_statements

from ..conftest import ROOT
from .sql_lints import check_header, check_keywords_lower_case, check_transaction_shape_and_syntax, sql_of

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
        for stmt in pglast.parser.split(sql_of(body)):
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


# --- verify scripts check shape only (README "Adding a change") -------------------------------
# A verify runs inside every production deploy, on databases of any size: it may look objects
# up in the catalog and call a function on constants, never scan a table that grows with data
# nor write anything. Behaviour checks live in tests/pgtap/<module>/.

MODULE_SCHEMAS = {"core", "ingest", "analytics", "electoral", "pulse", "knowledge", "demography",
                  "crisis", "ai", "content", "ops", "audit"}
# views of the product that read only the system catalogs
CATALOG_VIEWS = {"audit.ward_scoped_table", "ops.product_schema", "ops.unused_index",
                 "ops.duplicate_index", "ops.fk_without_index", "ops.invalid_index",
                 "ops.partition_missing_index"}
WRITES = {"InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "TruncateStmt", "CopyStmt",
          "CreateStmt", "CreateTableAsStmt", "CreateRoleStmt", "GrantStmt", "GrantRoleStmt",
          "AlterTableStmt", "DropStmt", "CreateFunctionStmt", "IndexStmt", "RefreshMatViewStmt",
          "VacuumStmt", "ClusterStmt", "DoStmt", "VariableSetStmt"}
# functions that read or write data, or run every integrity check: never from a verify
HEAVY_CALLS = re.compile(r"\b(validate_data_integrity|refresh_ward_analytics|get_ward_\w+|search_posts|"
                         r"search_articles|record_model_execution|merge_\w+_batch|compute_\w+|"
                         r"ensure_partitions|create_monthly_\w*partition|daily_partition_maintenance|"
                         r"order_\w*partitions?|detach_old_partitions|ai_cleanup_expired_data)\s*\(", re.I)


def _nodes(node, kind):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == kind:
                yield v
            yield from _nodes(v, kind)
    elif isinstance(node, list):
        for x in node:
            yield from _nodes(x, kind)


def verify_problems(sql: str) -> list[str]:
    """What in a verify script reads data tables or writes (empty: shape only)."""
    import json

    problems = []
    for raw in json.loads(pglast.parser.parse_sql_json(sql))["stmts"]:
        kind, stmt = next(iter(raw["stmt"].items()))
        if kind in WRITES and not (kind == "VariableSetStmt" and stmt.get("name") != "role"):
            problems.append(kind)
        ctes = {c["ctename"] for c in _nodes(stmt, "CommonTableExpr")}
        for rv in _nodes(stmt, "RangeVar"):
            schema, name = rv.get("schemaname"), rv["relname"]
            if schema in MODULE_SCHEMAS and f"{schema}.{name}" not in CATALOG_VIEWS:
                problems.append(f"from {schema}.{name}")
            elif schema is None and name not in ctes and not name.startswith("pg_"):
                problems.append(f"from {name}")
    code = re.sub(r"'(?:[^']|'')*'", "''", sql)  # names inside literals (regprocedure casts) call nothing
    problems += [f"calls {m.group(1)}" for m in HEAVY_CALLS.finditer(code)]
    return problems


VERIFIES = [c for c in PLAN.changes]


@pytest.mark.parametrize("change", VERIFIES, ids=[c.change_id for c in VERIFIES])
def test_verify_checks_shape_only(change):
    body = parse_script(change.read("verify")).body
    assert verify_problems(body) == [], (
        f"{change.change_id}: a verify may only read the catalog and call functions on constants; "
        "move behaviour checks to tests/pgtap/")


@pytest.mark.parametrize("sql", [
    "select count(*) from core.post;",
    "select 1 / count(*) from analytics.ward_hour h join core.ward w using (ward_name);",
    "insert into core.author (name) values ('x');",
    "do $$ begin perform 1; end $$;",
    "with x as (select * from ai.budget_tracker) select * from x;",
    "select 1 / count(*) from ops.validate_data_integrity();",
    "set local role lokdarpan_app;",
])
def test_the_shape_only_rule_refuses(sql):
    assert verify_problems(sql) != []


def test_the_shape_only_rule_allows_catalog_lookups():
    assert verify_problems(
        "select 'core.post'::regclass; select 1 / (count(*) = 2)::int from pg_catalog.pg_attribute a "
        "where a.attrelid = 'core.ward'::regclass; select core.ward_lookup('kapra'); "
        "with k as (select 1 as one) select one from k; "
        "select 1 / (count(*) = 0)::int from audit.ward_scoped_table where status = 'unprotected';") == []


# --- the baseline: one live definition per object ----------------------------------------------


def test_plan_up_to_v1_has_one_occurrence_per_change():
    """The baseline: up to @v1.0.0 each change occurs once (no reworks, no name@tag scripts of
    earlier tags). Changes after the tag rework or add, as sqitch prescribes."""
    lines = [ln for ln in (ROOT / "sqitch.plan").read_text().splitlines() if ln.strip() and ln[0] != "%"]
    tag = next(i for i, ln in enumerate(lines) if ln.startswith("@v1.0.0 "))
    names = [ln.split()[0] for ln in lines[:tag] if not ln.startswith("@")]
    assert len(names) == len(set(names)), "a change is reworked before @v1.0.0"
    assert not any(ln.startswith("@") for ln in lines[:tag]), "a tag before @v1.0.0"
    assert sorted(p.name for p in PLAN.top_dir.rglob("*@v0.*.sql")) == []


def test_deploy_scripts_never_alter_or_replace_what_another_change_created():
    """An object is altered or replaced only by its own change: a rework of it (``sqitch rework``,
    CONTRIBUTING.md) is the same change, any other change is an offender."""
    created: dict[str, str] = {}
    offenders = []
    for c in PLAN.changes:
        body = parse_script(c.read("deploy")).body
        for m in re.finditer(r"^\s*create\s+(?:unlogged\s+)?(?:table|view|materialized\s+view|function|type)\s+"
                             r"([a-z_]+\.[a-z_0-9]+)", body, re.M | re.I):
            created.setdefault(m.group(1).lower(), c.name)
        for m in re.finditer(r"^\s*(?:alter\s+(?:table|function|view)|create\s+or\s+replace\s+function|"
                             r"drop\s+(?:table|index|function|view|materialized\s+view))\s+(?:if\s+exists\s+)?"
                             r"([a-z_]+\.[a-z_0-9]+)", body, re.M | re.I):
            owner = created.get(m.group(1).lower())
            if owner and owner != c.name:
                offenders.append(f"{c.change_id} alters {m.group(1)} of {owner}")
    assert offenders == []


def test_inline_keys_are_named():
    """A primary or foreign key written inline carries its name (pk_<table>, fk_<table>__<col>):
    PostgreSQL's defaults (<table>_pkey, <table>_<col>_fkey) are refused by the style test too."""
    offenders = []
    for c in PLAN.changes:
        for i, line in enumerate(parse_script(c.read("deploy")).body.splitlines(), 1):
            code = line.split("--", 1)[0]
            if re.search(r"\b(primary\s+key|references)\b", code, re.I) and \
               not re.search(r"\bconstraint\s+\w+\s+(primary\s+key|foreign\s+key|references)", code, re.I) and \
               not re.match(r"\s*(references|on\s)", code, re.I) and \
               re.match(r"\s+[a-z_][a-z0-9_]*\s+[a-z]", code):
                offenders.append(f"{c.change_id}:{i}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize(("change", "kind"), SCRIPTS, ids=IDS)
def test_the_engine_splits_statements_as_postgres_does(change, kind):
    """The engine runs a non-transactional script statement by statement with its own splitter
    (no parser at run time): on every script of the plan it finds the statements PostgreSQL's
    parser finds."""
    body = parse_script(change.read(kind)).body
    ours = [pglast.parser.parse_sql(str(s)) for s in split_statements(body)]
    # psql's \gexec ends a query as ';' does (the parser does not know meta-commands)
    assert len(ours) == len(pglast.parser.split(sql_of(body)))
