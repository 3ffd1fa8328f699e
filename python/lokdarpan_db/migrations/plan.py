"""Read sqitch.conf and sqitch.plan: the only list of changes, their order and dependencies.

Supports what the sqitch plan format (syntax 1.0.0) offers: pragmas, changes with
``[requires !conflicts]``, tags, and reworked changes. A change that is reworked later in the
plan reads its scripts from ``<change>@<tag>.sql`` where ``<tag>`` is the first tag after that
occurrence, exactly as ``sqitch rework`` lays them out.
"""

from __future__ import annotations

import configparser
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError

_CHANGE_RE = re.compile(
    r"^(?P<name>[^\s\[@#:][^\s\[#]*?)\s+"
    r"(?:\[(?P<deps>[^\]]*)\]\s+)?"
    r"(?P<date>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\s+"
    r"(?P<planner>[^<]*?)\s*<(?P<email>[^>]*)>"
    r"(?:\s*#\s?(?P<note>.*))?$"
)
_TAG_RE = re.compile(
    r"^@(?P<name>[^\s@#:]+)\s+"
    r"(?P<date>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\s+"
    r"(?P<planner>[^<]*?)\s*<(?P<email>[^>]*)>"
    r"(?:\s*#\s?(?P<note>.*))?$"
)

KINDS = ("deploy", "revert", "verify")


@dataclass
class Change:
    """One occurrence of a change in the plan."""

    name: str
    change_id: str  # stable key: name, or name#N for the N-th occurrence of a reworked change
    requires: list[str]
    conflicts: list[str]
    planned_at: str
    planner: str
    note: str
    line: int
    occurrence: int = 1
    tags: list[str] = field(default_factory=list)  # tags placed right after this change
    script_suffix: str = ""  # "@tag" for an occurrence that was reworked later
    top_dir: Path = Path("sql")

    @property
    def target(self) -> str:
        """This occurrence, unambiguously, for ``--to`` and ``Plan.index_of``: ``name@tag`` for an
        occurrence reworked later (a bare name means the latest occurrence), else the change id."""
        return self.name + self.script_suffix if self.script_suffix else self.change_id

    @property
    def module(self) -> str:
        """The module (schema) the change belongs to: the part before the slash."""
        return self.name.split("/", 1)[0] if "/" in self.name else ""

    def script(self, kind: str) -> Path:
        """The path of the change's deploy, revert or verify script."""
        return self.top_dir / kind / f"{self.name}{self.script_suffix}.sql"

    def read(self, kind: str) -> str:
        """The text of one of the change's scripts."""
        path = self.script(kind)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UserError(f"change {self.change_id}: {kind} script {path} is missing") from None

    def checksum(self, kind: str) -> str:
        """The sha256 of one of the change's scripts."""
        return hashlib.sha256(self.script(kind).read_bytes()).hexdigest()

    def checksums(self) -> dict[str, str]:
        """The sha256 of each of the change's three scripts."""
        return {kind: self.checksum(kind) for kind in KINDS}


@dataclass
class Plan:
    """The parsed sqitch.plan: project name, changes in order, tags."""

    project: str
    uri: str | None
    changes: list[Change]
    top_dir: Path
    plan_file: Path
    tag_index: dict[str, int]  # tag name -> index of the change it follows

    def index_of(self, target: str) -> int:
        """Index of the change named by ``target``: a change name (its latest occurrence),
        ``change_id`` (``name#2``), ``@tag``, ``name@tag``, ``@HEAD`` or ``@ROOT``."""
        if target in ("@HEAD", "HEAD"):
            return len(self.changes) - 1
        if target in ("@ROOT", "ROOT"):
            return 0
        if target.startswith("@"):
            tag = target[1:]
            if tag not in self.tag_index:
                raise UserError(f"unknown tag {target} (plan {self.plan_file})")
            return self.tag_index[tag]
        if "@" in target:
            name, tag = target.split("@", 1)
            limit = self.index_of("@" + tag)
            for i in range(limit, -1, -1):
                if self.changes[i].name == name:
                    return i
            raise UserError(f"no change {name} at or before tag @{tag}")
        for i in range(len(self.changes) - 1, -1, -1):
            c = self.changes[i]
            if target in (c.change_id, c.name):
                return i
        raise UserError(f"unknown change {target!r} (plan {self.plan_file})")

    def by_id(self) -> dict[str, Change]:
        """The changes by change id."""
        return {c.change_id: c for c in self.changes}


def read_config(project_dir: Path) -> tuple[Path, Path, str]:
    """Return (top_dir, plan_file, engine) from sqitch.conf (sqitch's git-style ini)."""
    conf_path = project_dir / "sqitch.conf"
    top_dir, plan_file, engine = project_dir, project_dir / "sqitch.plan", "pg"
    if conf_path.exists():
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        text = "\n".join(line.strip() for line in conf_path.read_text().splitlines())
        parser.read_string(text)
        if parser.has_section("core"):
            core = parser["core"]
            engine = core.get("engine", engine)
            if "top_dir" in core:
                top_dir = project_dir / core["top_dir"]
            if "plan_file" in core:
                plan_file = project_dir / core["plan_file"]
            else:
                plan_file = top_dir / "sqitch.plan"
    return top_dir, plan_file, engine


def load_plan(project_dir: Path | str) -> Plan:
    """Read the plan of the project in ``project_dir`` (sqitch.conf names the plan file and top_dir)."""
    project_dir = Path(project_dir)
    top_dir, plan_file, engine = read_config(project_dir)
    if engine != "pg":
        raise UserError(f"{project_dir / 'sqitch.conf'}: engine {engine!r} is not supported (pg)")
    if not plan_file.exists():
        raise UserError(f"plan file {plan_file} not found")
    return parse_plan(plan_file.read_text(encoding="utf-8"), plan_file, top_dir)


def parse_plan(text: str, plan_file: Path, top_dir: Path) -> Plan:
    """Parse the text of a sqitch.plan."""
    project, uri = None, None
    changes: list[Change] = []
    tag_index: dict[str, int] = {}
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{plan_file}:{lineno}"
        if line.startswith("%"):
            key, _, value = line[1:].partition("=")
            if key.strip() == "project":
                project = value.strip()
            elif key.strip() == "uri":
                uri = value.strip()
            continue
        if line.startswith("@"):
            m = _TAG_RE.match(line)
            if not m:
                raise UserError(f"{where}: cannot parse tag line: {line}")
            if not changes:
                raise UserError(f"{where}: tag @{m['name']} before any change")
            if m["name"] in tag_index:
                raise UserError(f"{where}: tag @{m['name']} is defined twice")
            tag_index[m["name"]] = len(changes) - 1
            changes[-1].tags.append(m["name"])
            continue
        m = _CHANGE_RE.match(line.lstrip("+"))
        if not m or line.startswith("-"):
            raise UserError(f"{where}: cannot parse change line: {line}")
        name = m["name"]
        deps = (m["deps"] or "").split()
        requires = [d for d in deps if not d.startswith("!")]
        conflicts = [d[1:] for d in deps if d.startswith("!")]
        occurrence = seen.get(name, 0) + 1
        if occurrence > 1:
            # a rework must follow a tag placed after the previous occurrence
            prev = max(i for i, c in enumerate(changes) if c.name == name)
            later_tags = [t for c in changes[prev:] for t in c.tags]
            if not later_tags:
                raise UserError(f"{where}: {name} is reworked without a tag after its last version")
        seen[name] = occurrence
        change_id = name if occurrence == 1 else f"{name}#{occurrence}"
        known = {c.name for c in changes}
        for dep in requires:
            dep_name = dep.split("@", 1)[0]
            if ":" in dep_name:  # cross-project dependency: not ours to check
                continue
            if dep_name not in known:
                raise UserError(f"{where}: {name} requires {dep}, which is not planned before it")
        changes.append(
            Change(
                name=name,
                change_id=change_id,
                requires=requires,
                conflicts=conflicts,
                planned_at=m["date"],
                planner=f"{m['planner']} <{m['email']}>",
                note=(m["note"] or "").strip(),
                line=lineno,
                occurrence=occurrence,
                top_dir=top_dir,
            )
        )
    if project is None:
        raise UserError(f"{plan_file}: no %project pragma")
    # reworked occurrences read <name>@<first tag after them>.sql
    for i, change in enumerate(changes):
        if any(c.name == change.name for c in changes[i + 1 :]):
            tags = [t for c in changes[i:] for t in c.tags]
            change.script_suffix = "@" + tags[0]
    return Plan(project, uri, changes, top_dir, plan_file, tag_index)
