"""Append a change to sqitch.plan and write its three scripts, as `sqitch add` does:

    python tools/plan_add.py NAME [-r DEP]... [-x CONFLICT]... -n NOTE [-s why=TEXT]

The scripts come from the same templates as sqitch's (`[add] template_directory` in sqitch.conf:
sql/templates/<kind>/<engine>.tmpl), rendered by the part of Template::Tiny they use
(`[% var %]`, `[% FOREACH x IN list %]`, `[% IF var %]...[% ELSE %]`, `[% END %]`, `-%]` and `[%-`
whitespace chomping), so both tools write the same bytes (a test holds them equal). Appends under
an exclusive file lock, so several people (or processes) adding changes at once never lose a
line; an existing script is left alone, as sqitch does. Standard library only.
"""

from __future__ import annotations

import argparse
import configparser
import datetime
import fcntl
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLANNER = "LokDarpan DB <db@lokdarpan.invalid>"
KINDS = ("deploy", "revert", "verify")

# Template::Tiny's tag: `[%-` also eats the line break and indentation before it, `-%]` the
# blanks and line break after it.
_TAG = re.compile(r"(?:(?:^|\n)[ \t]*\[%-|\[%\+?)\s*(.*?)\s*(?:\+?%\]|-%\](?:[ \t]*\n)?)", re.S)


def _parse(template: str) -> list:
    """Nodes: str (text), ("var", expr), ("for", name, expr, body), ("if", negate, expr, then, else)."""
    root: list = []
    stack: list[tuple[list, tuple | None]] = [(root, None)]
    pos = 0
    for m in _TAG.finditer(template):
        nodes = stack[-1][0]
        if m.start() > pos:
            nodes.append(template[pos:m.start()])
        pos = m.end()
        words = m.group(1).split()
        if words and words[0] == "FOREACH" and len(words) == 4 and words[2] == "IN":
            node = ("for", words[1], words[3], [])
            nodes.append(node)
            stack.append((node[3], node))
        elif words and words[0] in ("IF", "UNLESS") and len(words) == 2:
            node = ("if", words[0] == "UNLESS", words[1], [], [])
            nodes.append(node)
            stack.append((node[3], node))
        elif words == ["ELSE"] and stack[-1][1] is not None and stack[-1][1][0] == "if":
            stack[-1] = (stack[-1][1][4], stack[-1][1])
        elif words == ["END"] and len(stack) > 1:
            stack.pop()
        elif len(words) == 1 and re.fullmatch(r"[a-z_][\w.]*", words[0]):
            nodes.append(("var", words[0]))
        else:
            raise ValueError(f"template: unsupported directive [% {m.group(1)} %]")
    if len(stack) != 1:
        raise ValueError("template: a FOREACH or IF has no END")
    if pos < len(template):
        root.append(template[pos:])
    return root


def _lookup(stash: dict, expr: str):
    value = stash
    for part in expr.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _truthy(value) -> bool:  # Perl's truth: a list reference is always true
    return isinstance(value, list) or value not in (None, "", "0", 0)


def _render(nodes: list, stash: dict) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node[0] == "var":
            value = _lookup(stash, node[1])
            out.append("" if value is None else str(value))
        elif node[0] == "for":
            items = _lookup(stash, node[2])
            for item in items if isinstance(items, list) else []:
                out.append(_render(node[3], {**stash, node[1]: item}))
        else:
            _, negate, expr, then, other = node
            out.append(_render(then if _truthy(_lookup(stash, expr)) != negate else other, stash))
    return "".join(out)


def render(template: str, stash: dict) -> str:
    return _render(_parse(template), stash)


def _config(root: Path) -> tuple[Path, str, Path]:
    """(top_dir, engine, template_directory) from sqitch.conf (git-style ini)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    conf = root / "sqitch.conf"
    if conf.exists():
        parser.read_string("\n".join(line.strip() for line in conf.read_text().splitlines()))
    top = root / parser.get("core", "top_dir", fallback=".")
    engine = parser.get("core", "engine", fallback="pg")
    templates = root / parser.get("add", "template_directory", fallback="sql/templates")
    return top, engine, templates


def write_scripts(root: Path, name: str, requires: list[str], conflicts: list[str], project: str,
                  variables: dict[str, str]) -> list[Path]:
    top, engine, templates = _config(root)
    stash = {**variables, "change": name, "engine": engine, "project": project,
             "requires": requires, "conflicts": conflicts}
    written = []
    for kind in KINDS:
        target = top / kind / f"{name}.sql"
        if target.exists():
            print(f"Skipped {target}: already exists", file=sys.stderr)
            continue
        text = render((templates / kind / f"{engine}.tmpl").read_text(encoding="utf-8"), stash)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name")
    ap.add_argument("-r", "--requires", action="append", default=[])
    ap.add_argument("-x", "--conflicts", action="append", default=[])
    ap.add_argument("-n", "--note", required=True)
    ap.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a template variable, e.g. -s why='...' for the why-sentence")
    ap.add_argument("--project-dir", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    variables = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            ap.error(f"--set {item!r}: expected NAME=VALUE")
        variables[key] = value
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    deps = [*args.requires, *(f"!{c}" for c in args.conflicts)]
    line = f"{args.name}{f' [{chr(32).join(deps)}]' if deps else ''} {now} {PLANNER} # {args.note}\n"
    plan = args.project_dir / "sqitch.plan"
    with open(plan, "a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        text = fh.read()
        names = [ln.split()[0] for ln in text.splitlines() if ln.strip() and ln[0] not in "%#@"]
        if args.name in names:
            print(f"{args.name} is already in the plan (rework it instead)", file=sys.stderr)
            return 1
        project = re.search(r"^%project=(\S+)", text, re.M)
        fh.seek(0, 2)
        fh.write(line)
    print(line, end="")
    for path in write_scripts(args.project_dir, args.name, args.requires, args.conflicts,
                              project.group(1) if project else "", variables):
        print(f"Created {path.relative_to(args.project_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
