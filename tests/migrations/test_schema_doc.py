"""docs/schema.md, the reference of the live schema: it matches the deployed plan, and the
generator documents what application teams need (function comments, result columns, view
columns) while folding partitions and leaving out extensions' objects."""

from __future__ import annotations

import psycopg
import pytest

from lokdarpan_db.cli import main
from lokdarpan_db.migrations.schema_doc import (
    COMMAND,
    DEFAULT_PATH,
    first_difference,
    generate,
    generate_from_plan,
    partition_pattern,
)

from ..conftest import ROOT


def test_docs_schema_md_is_up_to_date(url):
    """The database here is a clone of the session's template, which has the whole plan."""
    with psycopg.connect(url) as conn:
        text = generate(conn)
    path = ROOT / DEFAULT_PATH
    assert path.exists(), f"{DEFAULT_PATH} is missing: run {COMMAND}"
    diff = first_difference(path.read_text(encoding="utf-8"), text)
    assert diff is None, (f"{DEFAULT_PATH} is out of date at line {diff[0]}: it has {diff[1]!r}, "
                          f"the deployed plan gives {diff[2]!r}; regenerate it with `{COMMAND}`")


@pytest.mark.slow
def test_the_command_deploys_the_plan_into_a_scratch_database_and_drops_it(url, admin_url):
    with psycopg.connect(url) as conn:
        from_template = generate(conn)
    with psycopg.connect(admin_url) as conn:
        before = {r[0] for r in conn.execute("select datname from pg_database")}
    assert generate_from_plan(admin_url, ROOT) == from_template
    with psycopg.connect(admin_url) as conn:
        after = {r[0] for r in conn.execute("select datname from pg_database")}
    assert after == before


TINY = """
create schema tiny;
comment on schema tiny is 'A tiny module for the generator''s tests.';
create extension pg_trgm schema tiny;
create table tiny.item (
    item_id bigint generated always as identity primary key,
    label text not null default 'x',
    created_at timestamptz not null
);
comment on table tiny.item is 'Items with a label.';
comment on column tiny.item.label is 'The label, a|b allowed.';
create table tiny.event (at timestamptz not null, n integer) partition by range (at);
comment on table tiny.event is 'Events by month.';
create table tiny.event_p2026_01 partition of tiny.event
    for values from ('2026-01-01') to ('2026-02-01');
create table tiny.event_p2026_02 partition of tiny.event
    for values from ('2026-02-01') to ('2026-03-01');
create table tiny.event_default partition of tiny.event default;
create view tiny.item_shout as select item_id, upper(label) as shout from tiny.item;
comment on view tiny.item_shout is 'Items with their label in capitals.';
comment on column tiny.item_shout.shout is 'The label, upper-cased.';
create function tiny.items_since(p_since timestamptz, p_limit integer default 10)
    returns table (item_id bigint, label_upper text)
    language sql stable security definer set search_path = pg_catalog, tiny, pg_temp
    as $$ select item_id, upper(label) from tiny.item where created_at >= p_since limit p_limit $$;
comment on function tiny.items_since(timestamptz, integer) is
    'Items created at or after p_since, at most p_limit of them: <ids> and labels.';
create table public._yoyo_migration (id text);
"""


@pytest.fixture
def tiny_url(empty_db):
    with psycopg.connect(empty_db) as conn:
        conn.execute(TINY)
    return empty_db


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n{heading}\n")
    end = text.find("\n#### ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def test_function_comment_result_columns_view_columns_and_folded_partitions(tiny_url):
    with psycopg.connect(tiny_url) as conn:
        text = generate(conn)
    fn = _section(text, "#### tiny.items_since(p_since timestamp with time zone, p_limit integer)")
    assert "p_limit integer DEFAULT 10" in fn
    assert "Items created at or after p_since, at most p_limit of them: &lt;ids&gt; and labels." in fn
    assert "| `label_upper` | text |" in fn and "| `item_id` | bigint |" in fn
    assert "stable, security definer" in fn
    view = _section(text, "#### tiny.item_shout")
    assert "*view*" in view and "Items with their label in capitals." in view
    assert "| `shout` | text | The label, upper-cased. |" in view
    table = _section(text, "#### tiny.item")
    assert "| `label` | text | not null | `'x'::text` | The label, a\\|b allowed. |" in table
    assert "| `item_id` | bigint | not null | `generated always as identity` |  |" in table
    assert "Primary key: `(item_id)`." in table
    parent = _section(text, "#### tiny.event")
    assert "partitioned by `RANGE (at)`" in parent
    assert "Partitions (omitted below): `tiny.event_default` (default), `tiny.event_pYYYY_MM`." in parent
    assert "event_p2026" not in text
    assert "similarity" not in text  # pg_trgm's functions are the extension's
    assert "_yoyo_migration" not in text and "## public" not in text
    assert "- [tiny](#tiny) (3 tables and views, 1 function)" in text


def test_output_does_not_depend_on_which_months_exist(tiny_url):
    with psycopg.connect(tiny_url) as conn:
        before = generate(conn)
        conn.execute("create table tiny.event_p2031_07 partition of tiny.event"
                     " for values from ('2031-07-01') to ('2031-08-01')")
        conn.execute("drop table tiny.event_p2026_01")
        assert generate(conn) == before


@pytest.mark.parametrize(("name", "pattern"), [
    ("post_p2026_11", "post_pYYYY_MM"), ("audit_log_p2026_11_30", "audit_log_pYYYY_MM_DD"),
    ("post_default", "post_default"), ("shard_7", "shard_N")])
def test_partition_pattern(name, pattern):
    assert partition_pattern(name) == pattern


def test_cli_writes_checks_and_names_the_first_stale_line(tiny_url, tmp_path, capsys):
    out = tmp_path / "schema.md"
    assert main(["schema-doc", "--db", tiny_url, "--deployed", "--out", str(out), "-q"]) == 0
    assert main(["schema-doc", "--db", tiny_url, "--deployed", "--out", str(out), "--check", "-q"]) == 0
    lines = out.read_text().splitlines()
    n = next(i for i, line in enumerate(lines) if "The label, upper-cased." in line)
    lines[n] = lines[n].replace("upper-cased", "shouted")
    out.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert main(["schema-doc", "--db", tiny_url, "--deployed", "--out", str(out), "--check"]) == 1
    err = capsys.readouterr().err
    assert f"out of date at line {n + 1}:" in err and "shouted" in err and COMMAND in err


def test_cli_refuses_to_document_an_empty_database(empty_db, tmp_path, capsys):
    assert main(["schema-doc", "--db", empty_db, "--deployed", "--out", str(tmp_path / "x.md")]) == 1
    assert "holds no module schema" in capsys.readouterr().err
    assert not (tmp_path / "x.md").exists()


def test_cli_names_a_file_it_cannot_write(tiny_url, tmp_path, capsys):
    (tmp_path / "file").write_text("")
    target = tmp_path / "file" / "schema.md"
    assert main(["schema-doc", "--db", tiny_url, "--deployed", "--out", str(target)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"lokdarpan-db schema-doc: error: cannot write {target}:") and "\n" not in err
