"""Every exit code is defined once, in errors.py, and documented in README's table; nothing
else in the package assigns an ``EXIT_`` name or passes a literal ``exit_code``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from lokdarpan_db import errors

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "python" / "lokdarpan_db"


def _codes() -> dict[str, int]:
    return {name: value for name, value in vars(errors).items() if name.startswith("EXIT_")}


def test_exit_codes_are_assigned_only_in_errors_py():
    found = []
    for path in sorted(PKG.rglob("*.py")):
        if path == PKG / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, ast.AnnAssign) else []
            for target in targets:
                name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if name.startswith("EXIT_") or name == "exit_code":
                    found.append(f"{path.relative_to(PKG)}:{node.lineno}: assigns {name}")
            if isinstance(node, ast.keyword) and node.arg == "exit_code" and isinstance(node.value, ast.Constant):
                found.append(f"{path.relative_to(PKG)}:{node.value.lineno}: exit_code={node.value.value!r}")
    assert not found, "define exit codes (and typed errors carrying them) in errors.py:\n" + "\n".join(found)


def test_codes_are_distinct_and_contiguous():
    codes = _codes()
    assert len(set(codes.values())) == len(codes), codes
    assert sorted(codes.values()) == list(range(len(codes)))


def test_readme_documents_exactly_the_defined_codes():
    text = (ROOT / "README.md").read_text()
    table = text.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    documented = {int(m) for m in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert documented == set(_codes().values())
