"""squawk (PyPI squawk-cli) lints every deploy script with the repository's .squawk.toml; every
rule the config switches off carries a reason; the lint is shown to catch unsafe DDL."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT

CONFIG = ROOT / ".squawk.toml"


def squawk_exe() -> str:
    exe = Path(sys.executable).parent / "squawk"
    found = str(exe) if exe.exists() else shutil.which("squawk")
    if not found:
        pytest.skip("squawk is not installed (pip install squawk-cli)")
    return found


def run(*paths: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [squawk_exe(), "--config", str(CONFIG), "--reporter", "gcc", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _false_positive(line: str) -> bool:
    """squawk does not know materialized views created earlier in the same file: an index on
    one is built on a relation nobody else can see yet, so CONCURRENTLY is pointless there (and
    impossible inside the change's transaction). Nor does it know that an index ON ONLY a
    partitioned table is catalog-only (the per-partition builds of a \\gexec script follow it)."""
    m = re.match(r"(?P<path>[^:]+):(?P<line>\d+):\d+: warning: require-concurrent-index-creation", line)
    if not m:
        return False
    path = ROOT / m.group("path")
    text = path.read_text()
    lines = text.splitlines()
    n = int(m.group("line"))  # the gcc reporter counts lines from 0
    stmt = next((lines[i] for i in (n, n - 1) if 0 <= i < len(lines) and "index" in lines[i].lower()), "")
    # CREATE INDEX ... ON ONLY a partitioned table writes the catalog only (an invalid parent
    # index, nothing built): the partitions' indexes are built concurrently after it in the same
    # non-transactional script (generated through \gexec) and attached
    if re.search(r"\bon\s+only\s", stmt, re.I) and text.startswith("-- transactional: false") and "\\gexec" in text:
        return True
    target = re.search(r"\bon\s+(?:only\s+)?([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)", stmt, re.I)
    if not target:
        return False
    created = re.search(rf"create\s+materialized\s+view\s+{re.escape(target.group(1))}\b", text, re.I)
    return created is not None and created.start() < text.find(stmt)


# Findings in other modules' changes, reported to their owners (a deployed change is fixed by a
# new change, not edited). Each entry: (script, rule) -> why it is tolerated for now. A finding
# not listed here fails the test.
KNOWN = {
}


def _known(line: str) -> bool:
    m = re.match(r"(?P<path>[^:]+):\d+:\d+: warning: (?P<rule>[a-z-]+)", line)
    return bool(m) and (m.group("path"), m.group("rule")) in KNOWN


def test_every_deploy_script_passes_squawk():
    proc = run("sql/deploy/**/*.sql")
    problems = [ln for ln in proc.stdout.splitlines() if ": warning:" in ln or ": error:" in ln]
    real = [ln for ln in problems if not _false_positive(ln) and not _known(ln)]
    assert real == [], proc.stdout + proc.stderr
    assert proc.returncode == 0 or problems, proc.stdout + proc.stderr


def test_the_false_positive_filter_is_narrow(tmp_path):
    f = ROOT / "sql" / "deploy" / "analytics" / "dashboard.sql"
    if f.exists():
        flagged = [ln for ln in run(str(f.relative_to(ROOT))).stdout.splitlines() if ": warning:" in ln]
        assert all(_false_positive(ln) for ln in flagged)
    assert not _false_positive("sql/deploy/core/post@v1.0.0.sql:70:0: warning: require-concurrent-index-creation x")
    # ON ONLY passes only in a non-transactional script that builds the partitions through \gexec
    for name, text, ok in (
        ("gx.sql", "-- transactional: false\ncreate index ix on only s.p (x);\nselect 'x'\n\\gexec\n", True),
        ("tx.sql", "begin;\ncreate index ix on only s.p (x);\ncommit;\n", False),
    ):
        (tmp_path / name).write_text(text)
        assert _false_positive(f"{tmp_path / name}:1:0: warning: require-concurrent-index-creation x") is ok


def test_every_excluded_rule_is_justified():
    lines = CONFIG.read_text().splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("excluded_rules"))
    rules = []
    for i in range(start + 1, len(lines)):
        m = re.match(r'\s*"([a-z-]+)",?\s*$', lines[i])
        if lines[i].strip() == "]":
            break
        if m:
            rules.append(m.group(1))
            # the comment block above this rule (or above the group it closes) names it
            block = []
            j = i - 1
            while j > start and (lines[j].strip().startswith("#") or re.match(r'\s*"[a-z-]+",?\s*$', lines[j])):
                block.append(lines[j])
                j -= 1
            assert any(m.group(1) in b and b.strip().startswith("#") for b in block), (
                f"{m.group(1)} is switched off without a reason"
            )
    assert rules, "no excluded_rules parsed"


def test_squawk_catches_unsafe_ddl(tmp_path):
    bad = tmp_path / "bad.sql"
    bad.write_text(
        "begin;\ncreate index ix_post__text on core.post (text);\n"
        "alter table core.alert alter column description type varchar(10);\ncommit;\n"
    )
    proc = run(str(bad))
    assert proc.returncode != 0
    assert "require-concurrent-index-creation" in proc.stdout
