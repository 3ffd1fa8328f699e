"""Every public module, class and function of the package says in a line or two what it is."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "python" / "lokdarpan_db"


def missing_docstrings(path: Path, source: str | None = None) -> list[str]:
    """``file:line name`` of each public top-level function or class, and each public method of a
    public class, that has no docstring (the module itself too)."""
    tree = ast.parse(source if source is not None else path.read_text(), str(path))
    where = path.relative_to(PKG) if path.is_relative_to(PKG) else path
    found = [] if ast.get_docstring(tree) else [f"{where}:1 (module)"]

    def check(node: ast.AST, name: str) -> None:
        if not ast.get_docstring(node):  # type: ignore[arg-type]
            found.append(f"{where}:{node.lineno} {name}")  # type: ignore[attr-defined]

    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
            check(node, node.name)
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            check(node, node.name)
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and not item.name.startswith("_"):
                    overrides = any(isinstance(d, ast.Name) and d.id == "override" for d in item.decorator_list)
                    if not overrides:
                        check(item, f"{node.name}.{item.name}")
    return found


def test_public_functions_and_classes_have_docstrings():
    found = [m for p in sorted(PKG.rglob("*.py")) for m in missing_docstrings(p)]
    assert not found, f"{len(found)} without a docstring (one or two lines: what, not how):\n" + "\n".join(found)


def test_the_check_sees_a_missing_docstring():
    source = '"""Module."""\n\ndef f():\n    pass\n\n\nclass C:\n    """C."""\n\n    def m(self):\n        pass\n\n    def _p(self):\n        pass\n\n\ndef _private():\n    pass\n'
    assert missing_docstrings(PKG / "x.py", source) == ["x.py:3 f", "x.py:10 C.m"]
