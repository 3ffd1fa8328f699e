"""The package's imports point one way: cli -> commands -> domain packages -> postgres -> base.

Read with ``ast`` from the files (nothing is imported), so a lazy import inside a function counts
as much as one at the top of a module. A module at a lower layer never imports a higher one (no
domain package imports ``commands`` or ``cli``; ``postgres`` imports no domain package), and the
domain packages' imports of one another form no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "python" / "lokdarpan_db"

# Every top-level module or subpackage of lokdarpan_db, by layer (higher may import lower).
LAYERS: dict[str, int] = {
    "cli": 4,
    "commands": 3,
    **dict.fromkeys(
        ["adopt", "bench", "migrations", "ingest", "importers", "ops", "reports", "synthetic", "live"], 2
    ),
    "postgres": 1,
    **dict.fromkeys(["errors", "console", "project", "retry", "__init__"], 0),
}
DOMAIN = {unit for unit, layer in LAYERS.items() if layer == 2}


def unit_of(path: Path) -> str:
    """The top-level unit (module or subpackage name) a file of the package belongs to."""
    rel = path.relative_to(PKG)
    return rel.parts[0].removesuffix(".py")


def imported_units(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, top-level unit of lokdarpan_db) for every import of the package in one file."""
    rel = path.relative_to(PKG)
    package = ["lokdarpan_db", *rel.parts[:-1]]  # the package the module's relative imports start from
    tree = ast.parse(source if source is not None else path.read_text(), str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        targets: list[list[str]] = []
        if isinstance(node, ast.Import):
            targets = [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
            else:
                base = []
            mod = base + (node.module.split(".") if node.module else [])
            targets = [mod + [alias.name] for alias in node.names] if len(mod) == 1 else [mod]
        for parts in targets:
            if parts[0] == "lokdarpan_db" and len(parts) > 1:
                found.append((node.lineno, parts[1]))
    return found


def violations(files: dict[Path, str | None]) -> list[str]:
    """Imports that go up a layer, or into a unit the map does not know."""
    problems = []
    for path, source in files.items():
        own = unit_of(path)
        for line, unit in imported_units(path, source):
            where = f"{path.relative_to(PKG)}:{line}"
            if unit not in LAYERS:
                problems.append(f"{where}: imports lokdarpan_db.{unit}, which has no layer in LAYERS")
            elif own in LAYERS and unit != own and LAYERS[unit] > LAYERS[own]:
                problems.append(f"{where}: {own} (layer {LAYERS[own]}) imports {unit} (layer {LAYERS[unit]})")
    return problems


def domain_cycle(files: dict[Path, str | None]) -> list[str] | None:
    """A cycle among the domain packages' imports of one another, or None."""
    edges: dict[str, set[str]] = {u: set() for u in DOMAIN}
    for path, source in files.items():
        own = unit_of(path)
        if own in DOMAIN:
            edges[own] |= {u for _, u in imported_units(path, source) if u in DOMAIN and u != own}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(u: str) -> list[str] | None:
        state[u] = 1
        stack.append(u)
        for v in sorted(edges[u]):
            if state.get(v) == 1:
                return stack[stack.index(v) :] + [v]
            if v not in state and (cycle := visit(v)):
                return cycle
        stack.pop()
        state[u] = 2
        return None

    for u in sorted(edges):
        if u not in state and (cycle := visit(u)):
            return cycle
    return None


def package_files() -> dict[Path, str | None]:
    return {p: None for p in sorted(PKG.rglob("*.py"))}


def test_every_module_has_a_layer():
    unknown = sorted({unit_of(p) for p in package_files()} - set(LAYERS))
    assert not unknown, f"new top-level modules need a place in LAYERS (and the README map): {unknown}"


def test_imports_point_down():
    problems = violations(package_files())
    assert not problems, "imports going the wrong way:\n" + "\n".join(problems)


def test_domain_packages_import_each_other_without_a_cycle():
    cycle = domain_cycle(package_files())
    assert cycle is None, "domain packages import each other in a cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        ("ops/x.py", "from ..commands import out\n", "ops (layer 2) imports commands (layer 3)"),
        ("bench/x.py", "def f():\n    from .. import cli\n", "bench (layer 2) imports cli (layer 4)"),
        ("postgres/x.py", "from lokdarpan_db.ops.backup import backup\n", "postgres (layer 1) imports ops"),
        ("errors.py", "from .postgres import connect\n", "errors (layer 0) imports postgres"),
        ("ops/x.py", "from ..nowhere import thing\n", "lokdarpan_db.nowhere, which has no layer"),
    ],
)
def test_the_check_catches_a_wrong_way_import(path, source, expected):
    problems = violations({PKG / path: source})
    assert len(problems) == 1 and expected in problems[0], problems


def test_the_check_catches_a_cycle():
    files = {
        PKG / "ops" / "a.py": "from ..reports.ward import ward_report\n",
        PKG / "reports" / "b.py": "from ..synthetic import demo\n",
        PKG / "synthetic" / "c.py": "from ..ops import health\n",
    }
    assert domain_cycle(files) == ["ops", "reports", "synthetic", "ops"]
    assert domain_cycle({**files, PKG / "synthetic" / "c.py": "from ..postgres import connect\n"}) is None
