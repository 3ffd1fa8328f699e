"""sql/templates: real `sqitch add` (and tools/plan_add.py, from the same templates) writes
scripts that pass the tree's lints: the project's header, the why-sentence, the transaction
shape, lower-case keywords."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess

import pytest

from lokdarpan_db.migrations.plan import KINDS, load_plan

from ..conftest import ROOT
from .sql_lints import check_script

spec = importlib.util.spec_from_file_location("plan_add", ROOT / "tools" / "plan_add.py")
plan_add = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plan_add)


def _copy_project(dest):
    dest.mkdir()
    for name in ("sqitch.conf", "sqitch.plan"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "sql", dest / "sql")
    return dest


def _sqitch(cwd, *args):
    exe = shutil.which("sqitch")
    if exe is None:
        pytest.skip("sqitch is not installed (apt-get install sqitch libdbd-pg-perl)")
    env = dict(os.environ, HOME=str(cwd.parent), SQITCH_USER_CONFIG=str(cwd.parent / "none.conf"),
               SQITCH_FULLNAME="Test", SQITCH_EMAIL="test@lokdarpan.invalid", EDITOR="false")
    proc = subprocess.run([exe, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def _lint_new_change(project, name):
    change = next(c for c in load_plan(project).changes if c.name == name)
    texts = {}
    for kind in KINDS:
        path = change.script(kind)
        texts[kind] = path.read_text(encoding="utf-8")
        check_script(texts[kind], kind, change.name, change.requires, str(path))
    return change, texts


@pytest.mark.needs_sqitch
def test_sqitch_add_writes_scripts_that_pass_the_lints(tmp_path):
    project = _copy_project(tmp_path / "project")
    _sqitch(project, "add", "demo/thing", "-r", "core/ward", "-r", "core/post", "-n", "why")
    change, texts = _lint_new_change(project, "demo/thing")
    assert change.requires == ["core/ward", "core/post"]
    assert texts["deploy"].splitlines()[1:3] == ["-- requires: core/ward", "-- requires: core/post"]
    assert "BEGIN" not in "".join(texts.values())  # our templates, not sqitch's own
    assert "\nbegin;\n" in texts["verify"] and texts["verify"].endswith("\nrollback;\n")


@pytest.mark.needs_sqitch
@pytest.mark.parametrize("why", [None, "It proves the templates."])
def test_plan_add_writes_the_same_scripts_as_sqitch_add(tmp_path, why):
    by_sqitch = _copy_project(tmp_path / "sqitch")
    by_tool = _copy_project(tmp_path / "tool")
    extra = ["-s", f"why={why}"] if why else []
    _sqitch(by_sqitch, "add", "demo/thing", "-r", "core/ward", "--conflicts", "core/alert", "-n", "why", *extra)
    assert plan_add.main(["demo/thing", "-r", "core/ward", "--conflicts", "core/alert", "-n", "why", *extra,
                          "--project-dir", str(by_tool)]) == 0
    for kind in KINDS:
        rel = f"sql/{kind}/demo/thing.sql"
        assert (by_tool / rel).read_text() == (by_sqitch / rel).read_text(), rel
    plan_line = [ln for ln in (by_tool / "sqitch.plan").read_text().splitlines() if ln.startswith("demo/")]
    sqitch_line = [ln for ln in (by_sqitch / "sqitch.plan").read_text().splitlines() if ln.startswith("demo/")]
    assert [ln.split(" 20")[0] for ln in plan_line] == [ln.split(" 20")[0] for ln in sqitch_line]
    if why:
        assert f"-- {why}" in (by_tool / "sql/deploy/demo/thing.sql").read_text()


def test_plan_add_scripts_pass_the_lints_and_it_refuses_a_duplicate(tmp_path, capsys):
    project = _copy_project(tmp_path / "project")
    assert plan_add.main(["demo/thing", "-r", "core/ward", "-n", "why", "--project-dir", str(project)]) == 0
    _lint_new_change(project, "demo/thing")
    plan = (project / "sqitch.plan").read_text()
    assert plan_add.main(["demo/thing", "-n", "again", "--project-dir", str(project)]) == 1
    assert "already in the plan" in capsys.readouterr().err
    assert (project / "sqitch.plan").read_text() == plan


@pytest.mark.parametrize(("template", "stash", "expected"), [
    ("a [% x %] b", {"x": "1"}, "a 1 b"),
    ("[% FOREACH i IN l -%]\n-- [% i %]\n[% END -%]\nend", {"l": ["p", "q"]}, "-- p\n-- q\nend"),
    ("[% FOREACH i IN l -%]\n-- [% i %]\n[% END -%]\nend", {"l": []}, "end"),
    ("[% IF w %]<[% w %]>[% ELSE %]none[% END %]", {"w": "y"}, "<y>"),
    ("[% IF w %]<[% w %]>[% ELSE %]none[% END %]", {}, "none"),
    ("[% UNLESS w %]no w[% END %]", {"w": ""}, "no w"),
    ("x\n  [%- y %]", {"y": "Y"}, "xY"),
    ("[% missing %].", {}, "."),
])
def test_template_subset(template, stash, expected):
    assert plan_add.render(template, stash) == expected


def test_template_refuses_what_it_cannot_render():
    with pytest.raises(ValueError, match="unsupported"):
        plan_add.render("[% INCLUDE x %]", {})
    with pytest.raises(ValueError, match="no END"):
        plan_add.render("[% IF x %]y", {})
