"""The migration engine on small throw-away projects: reworks, tamper detection, dry-run,
verify failures, lock ramp, concurrent deploys, non-transactional changes, connection errors."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from lokdarpan_db.errors import (
    EXIT_CONNECT,
    EXIT_LOCKED,
    EXIT_TAMPERED,
    ChangeFailed,
    ChangeLockTimeout,
    ConnectError,
    LockTimeoutError,
    MissingExtensionError,
    TamperedError,
    VerifyError,
)
from lokdarpan_db.migrations.engine import Deployer, Problem, ProblemKind, _PlanMigration
from lokdarpan_db.migrations.fingerprint import diff, fingerprint

WHO = "Test <t@example.invalid>"


def make_project(root: Path, changes: list[tuple[str, str, str, str]], extra_plan: str = ""):
    """changes: (name, deploy body, revert body, verify body); plan lines in order."""
    (root / "sqitch.conf").write_text("[core]\n\tengine = pg\n\ttop_dir = sql\n"
                                      "\tplan_file = sqitch.plan\n")
    lines = ["%syntax-version=1.0.0", "%project=t", ""]
    for i, (name, dep, rev, ver) in enumerate(changes):
        for kind, body, end in (("deploy", dep, "commit"), ("revert", rev, "commit"),
                                ("verify", ver, "rollback")):
            path = root / "sql" / kind / f"{name}.sql"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"-- {kind.title()} t:{name}\n\nbegin;\n\n{body}\n\n{end};\n")
        lines.append(f"{name} 2026-01-01T00:00:{i:02d}Z {WHO} # {name}")
    (root / "sqitch.plan").write_text("\n".join(lines) + "\n" + extra_plan)
    return root


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path, [
        ("s/schema", "create schema s;", "drop schema s;",
         "select has_schema_privilege('s', 'usage');"),
        ("s/thing", "create table s.thing (id int primary key, v text);",
         "drop table s.thing;", "select id, v from s.thing where false;"),
    ])


def test_deploy_revert_status(project, empty_db):
    engine = Deployer(empty_db, project)
    assert [c.change_id for c in engine.deploy()] == ["s/schema", "s/thing"]
    assert engine.deploy() == []
    rows = engine.status()
    assert all(r.deployed is not None for r in rows)
    assert [c.change_id for c in engine.revert("s/schema")] == ["s/thing"]
    assert [r.change_id for r in engine.status() if r.deployed is None] == ["s/thing"]
    reverted, deployed = engine.rebase(None)
    assert [c.change_id for c in reverted] == ["s/schema"]
    assert [c.change_id for c in deployed] == ["s/schema", "s/thing"]


def test_yoyo_records_every_change(project, empty_db):
    Deployer(empty_db, project).deploy()
    with psycopg.connect(empty_db) as conn:
        ids = [r[0] for r in conn.execute("select migration_id from _yoyo_migration")]
    assert sorted(ids) == ["s/schema", "s/thing"]


def test_yoyo_reconciled_after_crash_between_commits(project, empty_db):
    engine = Deployer(empty_db, project)
    engine.deploy()
    with psycopg.connect(empty_db) as conn:  # as if the process died before yoyo's own commit
        conn.execute("delete from _yoyo_migration where migration_id = 's/thing'")
    engine.revert("s/schema")  # must not fail, must revert s/thing exactly once
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select to_regclass('s.thing')").fetchone()[0] is None


def test_tampered_script_is_refused(project, empty_db):
    engine = Deployer(empty_db, project)
    engine.deploy("s/schema")
    path = project / "sql" / "deploy" / "s" / "schema.sql"
    path.write_text(path.read_text().replace("create schema s;", "create schema s; -- edited"))
    problems = engine.check()
    assert problems == [Problem(ProblemKind.SCRIPT_EDITED, str(problems[0]), "s/schema", "deploy")]
    assert str(path) in str(problems[0])
    with pytest.raises(TamperedError, match="s/schema"):
        engine.deploy()
    with pytest.raises(TamperedError):
        engine.dry_run()


def test_revert_refuses_only_an_edited_revert_script_of_what_it_reverts(project, empty_db):
    engine = Deployer(empty_db, project)
    engine.deploy()
    deploy = project / "sql" / "deploy" / "s" / "thing.sql"
    deploy.write_text(deploy.read_text() + "\n-- edited after deploy\n")
    schema_revert = project / "sql" / "revert" / "s" / "schema.sql"
    schema_revert.write_text(schema_revert.read_text() + "\n-- edited after deploy\n")
    kinds = {(p.kind, p.change_id, p.script) for p in engine.check()}
    assert kinds == {(ProblemKind.SCRIPT_EDITED, "s/thing", "deploy"),
                     (ProblemKind.SCRIPT_EDITED, "s/schema", "revert")}
    assert [c.change_id for c in engine.revert("s/schema")] == ["s/thing"]  # its revert is intact
    with pytest.raises(TamperedError, match="s/schema: revert script"):
        engine.revert()


def test_the_yoyo_adapter_uses_yoyo_9_public_attributes_only(project):
    """Pins the behaviour of the installed yoyo (9.x) the adapter relies on: a Migration built
    from an id, a path and a directory, loaded by filling the public ``steps`` and
    ``use_transactions``, with ``depends`` a property the adapter overrides."""
    from importlib.metadata import version

    from yoyo.migrations import Migration

    assert version("yoyo-migrations").split(".")[0] == "9"
    change = Deployer("postgresql:///unused", project).plan.changes[0]
    plain = Migration("plain", str(change.script("deploy")), str(change.top_dir))
    adapter = _PlanMigration(change, Deployer("postgresql:///unused", project))
    assert not adapter.loaded
    adapter.load()
    assert adapter.loaded and adapter.use_transactions and len(adapter.steps) == 1
    assert adapter.depends == set()
    assert set(vars(adapter)) - set(vars(plain)) == {"change", "deployer"}


def test_dry_run_changes_nothing(project, empty_db):
    with psycopg.connect(empty_db, autocommit=True) as conn:
        before = fingerprint(conn)
        tables_before = conn.execute("select count(*) from pg_class").fetchone()[0]
    todo = Deployer(empty_db, project).dry_run()
    assert [c.change_id for c, _ in todo] == ["s/schema", "s/thing"]
    assert "create table s.thing" in todo[1][1]
    with psycopg.connect(empty_db, autocommit=True) as conn:
        assert diff(before, fingerprint(conn)) == []
        assert conn.execute("select count(*) from pg_class").fetchone()[0] == tables_before
        assert conn.execute("select to_regnamespace('lokdarpan_meta')").fetchone()[0] is None


def test_failing_verify_rolls_the_change_back(tmp_path, empty_db):
    project = make_project(tmp_path, [
        ("s/schema", "create schema s;", "drop schema s;",
         "select 1 / count(*) from pg_namespace where nspname = 'nope';"),
    ])
    with pytest.raises(VerifyError, match="s/schema.*division by zero"):
        Deployer(empty_db, project).deploy()
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select to_regnamespace('s')").fetchone()[0] is None
        assert conn.execute("select count(*) from lokdarpan_meta.change").fetchone()[0] == 0


def test_failing_change_names_itself_and_keeps_earlier_ones(tmp_path, empty_db):
    project = make_project(tmp_path, [
        ("a/one", "create schema a;", "drop schema a;", "select 1;"),
        ("a/two", "create table a.t (x int references nowhere);", "drop table a.t;", "select 1;"),
    ])
    with pytest.raises(ChangeFailed, match=r"a/two: deploy failed: relation \"nowhere\""):
        Deployer(empty_db, project).deploy()
    assert [r.deployed is not None for r in Deployer(empty_db, project).status()] == [True, False]


def _busy_project(project, empty_db):
    """s/thing reads public.busy, which another session holds in access exclusive mode."""
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("create table public.busy (x int)")
    path = project / "sql" / "deploy" / "s" / "thing.sql"
    path.write_text(path.read_text().replace(
        "create table s.thing", "select * from public.busy; create table s.thing"))
    blocker = psycopg.connect(empty_db)
    blocker.execute("lock table public.busy in access exclusive mode")
    return blocker


def test_lock_ramp_retries_then_succeeds(project, empty_db):
    messages = []
    engine = Deployer(empty_db, project, lock_ramp=[(50, 0.05)] * 60, log=messages.append)
    engine.deploy("s/schema")
    blocker = _busy_project(project, empty_db)
    timer = threading.Timer(0.6, blocker.rollback)
    timer.start()
    try:
        engine.deploy()
    finally:
        timer.join()
        blocker.close()
    assert any("lock not granted in 50 ms, retrying" in m for m in messages)
    assert all(r.deployed for r in engine.status())


def test_lock_ramp_gives_up(project, empty_db):
    engine = Deployer(empty_db, project, lock_ramp=[(50, 0.01)] * 3)
    engine.deploy("s/schema")
    blocker = _busy_project(project, empty_db)
    try:
        with pytest.raises(ChangeLockTimeout, match="could not take its locks after 3 attempts") as err:
            engine.deploy()
        assert isinstance(err.value, ChangeFailed) and err.value.exit_code == EXIT_LOCKED
    finally:
        blocker.close()


def test_second_deploy_waits_for_the_lock(project, empty_db):
    holder = psycopg.connect(empty_db, autocommit=True)
    holder.execute("select pg_advisory_lock(hashtext('lokdarpan-db:deploy'))")
    try:
        with pytest.raises(LockTimeoutError, match="deploy lock"):
            Deployer(empty_db, project, lock_wait=0.5).deploy()
    finally:
        holder.close()
    assert len(Deployer(empty_db, project).deploy()) == 2


def test_concurrent_deploys_apply_each_change_once(project, empty_db):
    # a slow change makes the two runs overlap
    slow = project / "sql" / "deploy" / "s" / "thing.sql"
    slow.write_text(slow.read_text().replace("create table", "select pg_sleep(1); create table"))
    results, errors = [], []

    def run():
        try:
            results.append([c.change_id for c in Deployer(empty_db, project).deploy()])
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results, key=len) == [[], ["s/schema", "s/thing"]]
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select count(*) from lokdarpan_meta.event where event = 'deploy'"
                            ).fetchone()[0] == 2


def test_reworked_change_uses_tagged_scripts(tmp_path, empty_db):
    project = make_project(tmp_path, [
        ("s/schema", "create schema s;", "drop schema s;", "select 1;"),
        ("s/f", "create function s.f() returns int language sql as 'select 1';",
         "drop function s.f();", "select 1 / s.f();"),
    ], extra_plan=(f"@v1 2026-01-01T00:01:00Z {WHO} # tag\n"
                   f"s/f [s/f@v1] 2026-01-01T00:02:00Z {WHO} # rework\n"))
    for kind in ("deploy", "revert", "verify"):
        d = project / "sql" / kind / "s"
        (d / "f@v1.sql").write_text((d / "f.sql").read_text())
    (project / "sql/deploy/s/f.sql").write_text(
        "begin;\ncreate or replace function s.f() returns int language sql as 'select 2';\n"
        "commit;\n")
    (project / "sql/revert/s/f.sql").write_text(
        "begin;\ncreate or replace function s.f() returns int language sql as 'select 1';\n"
        "commit;\n")
    (project / "sql/verify/s/f.sql").write_text("begin;\nselect 1 / (s.f() - 1);\nrollback;\n")
    engine = Deployer(empty_db, project)
    assert [c.change_id for c in engine.deploy("@v1")] == ["s/schema", "s/f"]
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select s.f()").fetchone()[0] == 1
    assert [c.change_id for c in engine.deploy()] == ["s/f#2"]
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select s.f()").fetchone()[0] == 2
    engine.revert("@v1")
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select s.f()").fetchone()[0] == 1


def test_non_transactional_change(tmp_path, empty_db):
    project = make_project(tmp_path, [
        ("s/schema", "create schema s; create table s.t (x int);", "drop schema s cascade;",
         "select 1;"),
    ])
    for kind, text in (("deploy", "-- transactional: false\ncreate index concurrently"
                        " ix_t__x on s.t (x);\n"),
                       ("revert", "-- transactional: false\ndrop index concurrently if exists"
                        " s.ix_t__x;\n"),
                       ("verify", "begin;\nselect 1 / count(*) from pg_indexes where indexname"
                        " = 'ix_t__x';\nrollback;\n")):
        path = project / "sql" / kind / "s" / "ix.sql"
        path.write_text(text)
    with open(project / "sqitch.plan", "a") as fh:
        fh.write(f"s/ix [s/schema] 2026-01-01T00:03:00Z {WHO} # concurrent index\n")
    engine = Deployer(empty_db, project)
    engine.deploy()
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select to_regclass('s.ix_t__x')").fetchone()[0] is not None
    engine.revert("s/schema")
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select to_regclass('s.ix_t__x')").fetchone()[0] is None


NONTX_KEY = (
    "-- transactional: false\n"
    "do $$ begin if exists (select from pg_index where indexrelid = to_regclass('s.uq_t__x')"
    " and not indisvalid) then drop index s.uq_t__x; end if; end $$;\n"
    "create unique index concurrently if not exists uq_t__x on s.t (x);\n"
    "alter table s.t add constraint uq_t__x unique using index uq_t__x;\n"
)


def nontx_project(tmp_path):
    project = make_project(tmp_path, [
        ("s/schema", "create schema s; create table s.t (x int not null);", "drop schema s cascade;",
         "select 1;"),
    ])
    return add_change(project, "s/key", NONTX_KEY,
                      "-- transactional: false\nalter table s.t drop constraint if exists uq_t__x;\n",
                      "begin;\nselect 1 / count(*) from pg_constraint where conname = 'uq_t__x';\nrollback;\n",
                      "key built concurrently, then swapped")


def add_change(project, name, deploy, revert, verify, note):
    """Append change ``name`` (requiring s/schema) with whole script texts (their own headers)."""
    for kind, text in (("deploy", deploy), ("revert", revert), ("verify", verify)):
        (project / "sql" / kind / f"{name}.sql").write_text(text)
    with open(project / "sqitch.plan", "a") as fh:
        fh.write(f"{name} [s/schema] 2026-01-01T00:03:00Z {WHO} # {note}\n")
    return project


def test_non_transactional_script_runs_statement_by_statement_and_resumes(tmp_path, empty_db):
    """Several statements outside a transaction (as psql runs them under sqitch): the guard, a
    concurrent build, then an ALTER in a transaction of its own; an index an interrupted attempt
    left invalid is dropped and built again."""
    engine = Deployer(empty_db, nontx_project(tmp_path))
    engine.deploy("s/schema")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("insert into s.t select generate_series(1, 100)")
        conn.execute("create unique index uq_t__x on s.t (x)")
        conn.execute("update pg_index set indisvalid = false where indexrelid = 's.uq_t__x'::regclass")
    assert [c.change_id for c in engine.deploy()] == ["s/key"]
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select indisvalid from pg_index where indexrelid = 's.uq_t__x'::regclass"
                            ).fetchone()[0] is True
        assert conn.execute("select contype from pg_constraint where conname = 'uq_t__x'").fetchone()[0] == "u"
    engine.revert("s/schema")
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select count(*) from pg_constraint where conname = 'uq_t__x'").fetchone()[0] == 0


def test_non_transactional_statement_waits_under_the_ramp(tmp_path, empty_db):
    """The ALTER of a non-transactional script asks for its lock with the ramp's short timeout and
    retries while another session holds the table, instead of queueing everyone behind it."""
    messages: list[str] = []
    engine = Deployer(empty_db, nontx_project(tmp_path), lock_ramp=[(50, 0.05)] * 60, log=messages.append)
    engine.deploy("s/schema")
    holder = psycopg.connect(empty_db)
    holder.execute("select * from s.t")  # ACCESS SHARE until the transaction ends

    def release():
        time.sleep(0.6)
        holder.rollback()

    threading.Thread(target=release).start()
    try:
        engine.deploy()
    finally:
        holder.close()
    assert engine.lock_retries >= 1
    assert any("lock not granted in 50 ms" in m for m in messages)
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select count(*) from pg_constraint where conname = 'uq_t__x'").fetchone()[0] == 1


def test_missing_extension_is_reported_before_anything_changes(tmp_path, empty_db):
    project = make_project(tmp_path, [
        ("s/schema", "create schema s;", "drop schema s;", "select 1;"),
        ("s/ext", "create extension if not exists no_such_ext_xyz;",
         "drop extension no_such_ext_xyz;", "select 1;"),
    ])
    with pytest.raises(MissingExtensionError, match="no_such_ext_xyz.*nothing was changed"):
        Deployer(empty_db, project).deploy()
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select to_regnamespace('s')").fetchone()[0] is None
        assert conn.execute("select to_regnamespace('lokdarpan_meta')").fetchone()[0] is None


def test_fingerprint_notices_a_leaky_revert(tmp_path, empty_db):
    project = make_project(tmp_path, [
        ("s/schema", "create schema s; comment on schema s is 'x';", "drop schema s;",
         "select 1;"),
        ("s/t", "create table s.t (x int); create index ix_t__x on s.t (x);",
         "drop index s.ix_t__x;", "select 1;"),  # forgets the table
    ])
    engine = Deployer(empty_db, project)
    engine.deploy("s/schema")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        before = fingerprint(conn)
        engine.deploy()
        engine.revert("s/schema")
        assert any("s.t" in line for line in diff(before, fingerprint(conn)))


def test_unreachable_server_and_bad_url():
    with pytest.raises(ConnectError, match="cannot connect"):
        Deployer("postgresql://x@127.0.0.1:1/none", Path(__file__).parents[2]).status()
    with pytest.raises(ConnectError, match="invalid database URL"):
        Deployer("this is not a url", Path(__file__).parents[2]).status()


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "lokdarpan_db.cli", *args],
                          capture_output=True, text=True, timeout=120, env=env)


def test_cli_errors_are_one_line_with_documented_codes(project, empty_db):
    r = _cli("status", "--db", "postgresql://x@127.0.0.1:1/none", "--project-dir", str(project))
    assert r.returncode == EXIT_CONNECT
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert _cli("deploy", "--db", empty_db, "--project-dir", str(project)).returncode == 0
    path = project / "sql" / "verify" / "s" / "thing.sql"
    path.write_text(path.read_text() + "\n-- edited\n")
    r = _cli("check", "--db", empty_db, "--project-dir", str(project))
    assert r.returncode == EXIT_TAMPERED and "s/thing" in r.stdout
    r = _cli("revert", "--db", empty_db, "--project-dir", str(project))
    assert r.returncode == 7 and "-y" in r.stderr  # no confirmation on a non-terminal
    t0 = time.monotonic()
    r = _cli("deploy", "--dry-run", "--db", empty_db, "--project-dir", str(project))
    assert r.returncode == EXIT_TAMPERED and time.monotonic() - t0 < 60


# an index on every partition of s.p built concurrently: the parent's index ON ONLY (catalog
# only), the partitions' leftovers of an interrupted build dropped, one concurrent build per
# partition, then each attached: the statements come from the catalog through psql's \gexec
PARTS = (
    "from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_namespace n on n.oid = c.relnamespace"
    " where i.inhparent = 's.p'::regclass"
)
GEXEC_DEPLOY = (
    "-- transactional: false\n"
    "create index if not exists ix_p__x on only s.p (x);\n"
    "select format('drop index concurrently %I.%I', n.nspname, c.relname || '_x')\n"
    f"  {PARTS} and exists (select from pg_index x where x.indexrelid = to_regclass(n.nspname || '.' || c.relname"
    " || '_x') and not x.indisvalid)\n"
    "\\gexec\n"
    "select format('create index concurrently if not exists %I on %I.%I (x)', c.relname || '_x', n.nspname,"
    f" c.relname)\n  {PARTS} order by c.relname\n"
    "\\gexec\n"
    "select format('alter index s.ix_p__x attach partition %I.%I', n.nspname, c.relname || '_x')\n"
    f"  {PARTS} and not exists (select from pg_inherits a where a.inhrelid = to_regclass(n.nspname || '.'"
    " || c.relname || '_x'))\n"
    "\\gexec\n"
)


def gexec_project(tmp_path):
    project = make_project(tmp_path, [
        ("s/schema", "create schema s; create table s.p (x int not null, at date not null) partition by range (at);"
         " create table s.p_2026_01 partition of s.p for values from ('2026-01-01') to ('2026-02-01');"
         " create table s.p_2026_02 partition of s.p for values from ('2026-02-01') to ('2026-03-01');"
         " create table s.p_default partition of s.p default;"
         " insert into s.p select g, date '2026-01-01' + g % 70 from generate_series(1, 3000) g;",
         "drop schema s cascade;", "select 1;"),
    ])
    return add_change(project, "s/pix", GEXEC_DEPLOY, "begin;\ndrop index s.ix_p__x;\ncommit;\n",
                      "begin;\nselect 1 / (indisvalid)::int from pg_index where indexrelid = 's.ix_p__x'::regclass;\n"
                      "rollback;\n", "index on every partition, concurrently")


def test_gexec_builds_an_index_on_every_partition_concurrently_and_resumes(tmp_path, empty_db):
    messages: list[str] = []
    engine = Deployer(empty_db, gexec_project(tmp_path), log=messages.append)
    engine.deploy("s/schema")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        # an interrupted earlier attempt: one partition's index left invalid, none attached
        conn.execute("create index if not exists ix_p__x on only s.p (x)")
        conn.execute("create index p_2026_02_x on s.p_2026_02 (x)")
        conn.execute("update pg_index set indisvalid = false where indexrelid = 's.p_2026_02_x'::regclass")
    assert [c.change_id for c in engine.deploy()] == ["s/pix"]
    with psycopg.connect(empty_db) as conn:
        rows = conn.execute(
            "select c.relname, x.indisvalid from pg_inherits i join pg_class c on c.oid = i.inhrelid"
            " join pg_index x on x.indexrelid = c.oid where i.inhparent = 's.ix_p__x'::regclass order by 1"
        ).fetchall()
        assert rows == [("p_2026_01_x", True), ("p_2026_02_x", True), ("p_default_x", True)]
        assert conn.execute("select indisvalid from pg_index where indexrelid = 's.ix_p__x'::regclass").fetchone()[0]
    assert any("\\gexec: 1 statement(s)" in m for m in messages)  # the invalid leftover dropped
    assert any("\\gexec: 3 statement(s)" in m and "create" not in m for m in messages)
    assert any("create index concurrently if not exists p_default_x" in m for m in messages)
    engine.revert("s/schema")
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select to_regclass('s.ix_p__x')").fetchone()[0] is None
        assert conn.execute("select to_regclass('s.p_2026_01_x')").fetchone()[0] is None


def test_gexec_is_refused_where_it_cannot_run_as_psql_runs_it():
    from lokdarpan_db.migrations.scripts import Gexec, parse_script, split_statements

    parts = split_statements("select 1;\nselect 'a;\\gexec' as q\n\\gexec\nselect 2")
    assert parts == ["select 1", "\nselect 'a;\\gexec' as q\n", "\nselect 2"]
    assert [type(p) for p in parts] == [str, Gexec, str]  # a \gexec inside quotes is text
    with pytest.raises(ValueError, match="right before it"):
        split_statements("select 1;\n\\gexec\n")  # psql would run "select 1" twice
    with pytest.raises(ValueError, match=r"meta-command \\i is not supported"):
        parse_script("-- transactional: false\n\\i other.sql\n", "sql/deploy/x.sql")
    with pytest.raises(ValueError, match=r"sql/deploy/x.sql: \\gexec .* '-- transactional: false'"):
        parse_script("begin;\nselect 'select 1'\n\\gexec\ncommit;\n", "sql/deploy/x.sql")
