r"""The shape of a script, shared by the Python layer and the static checks.

Decision: deploy and revert scripts carry their own ``BEGIN;`` ... ``COMMIT;`` (sqitch's
templates do, and psql then applies a change atomically); verify scripts carry ``BEGIN;`` ...
``ROLLBACK;``. The Python layer runs the body between them inside the transaction it manages
itself, so the same file behaves the same under sqitch (psql) and under psycopg.

A script whose first line is ``-- transactional: false`` has no BEGIN/COMMIT: its statements
run one at a time, as psql runs them under sqitch. Those that cannot run in a transaction
(``CREATE INDEX CONCURRENTLY``, a ``CALL`` that commits) run on their own; the engine runs every
other one in a transaction of its own under the lock ramp. Such a script must be safe to run
again from its first statement (a deploy killed half-way is deployed again): guard each step
(``IF NOT EXISTS``, a ``DO`` block that checks the catalog first).

Such a script may also end a query with psql's ``\gexec`` (on its own, without a ``;``): the
query's result cells are statements, run in order each as above. That is how a change builds an
index on every partition of a partitioned table concurrently, which PostgreSQL cannot do on the
partitioned table itself: ``create index ... on only`` the parent, one ``create index
concurrently`` per partition generated from the catalog, then one ``alter index ... attach
partition`` each. psql (so sqitch) runs the same file the same way. No other psql meta-command
is supported, and a transactional script may not hold one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BEGIN_RE = re.compile(r"^\s*BEGIN\s*;\s*$", re.IGNORECASE | re.MULTILINE)
_END_RE = re.compile(r"^\s*(COMMIT|ROLLBACK)\s*;\s*$", re.IGNORECASE | re.MULTILINE)
_NONTX_RE = re.compile(r"\A--\s*transactional\s*:\s*false\s*$", re.IGNORECASE | re.MULTILINE)
_DOLLAR_RE = re.compile(r"\$([a-z_][a-z0-9_]*|)\$.*?\$\1\$", re.IGNORECASE | re.DOTALL)


def _mask_dollar_quotes(text: str) -> str:
    """``text`` with every dollar-quoted body (function and procedure bodies) blanked out, line
    breaks and positions kept: a procedure's own ``commit;`` lines are not the script's."""
    return _DOLLAR_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


@dataclass
class Script:
    """A parsed script: the body that runs, whether it is transactional, its header and requires."""

    text: str
    body: str  # what runs inside the managed transaction
    transactional: bool
    header: list[str]  # leading comment lines
    requires: list[str]


def parse_script(text: str, where: str = "script") -> Script:
    """Parse a deploy, revert or verify script (a ValueError naming ``where`` when its shape is wrong)."""
    header = []
    for line in text.splitlines():
        if line.startswith("--"):
            header.append(line)
        elif line.strip():
            break
    requires = [h.split(":", 1)[1].strip() for h in header if re.match(r"--\s*requires\s*:", h)]
    transactional = not _NONTX_RE.match(text)
    if not transactional:
        split_statements(text)  # an unsupported meta-command is refused here, before anything runs
        return Script(text, text, False, header, requires)
    masked = _mask_dollar_quotes(text)
    begins = list(_BEGIN_RE.finditer(masked))
    ends = list(_END_RE.finditer(masked))
    if len(begins) != 1 or len(ends) != 1 or begins[0].start() > ends[0].start():
        raise ValueError(
            f"{where}: a transactional script must hold exactly one 'BEGIN;' line and one "
            "'COMMIT;' (or 'ROLLBACK;' for verify) line after it"
        )
    body = text[begins[0].end() : ends[0].start()]
    if any(isinstance(st, Gexec) for st in split_statements(body)):
        raise ValueError(
            f"{where}: \\gexec runs statements one by one: only a '-- transactional: false' script may use it"
        )
    return Script(text, body, True, header, requires)


class Gexec(str):
    r"""A statement of a non-transactional script that psql's ``\gexec`` ends: each cell of its
    result is a statement to run in turn."""

    __slots__ = ()


_OUTSIDE_TX_RE = re.compile(
    r"\A\s*(?:(?:create|drop)\s+(?:unique\s+)?index\s+concurrently|reindex\b[^;]*\bconcurrently|"
    r"alter\s+table\b[^;]*\bdetach\s+partition\b[^;]*\bconcurrently|call\b|vacuum\b)",
    re.IGNORECASE,
)


def split_statements(sql: str) -> list[str]:
    r"""The statements of ``sql`` in order, each without its ``;`` (comments and quoting kept, a
    ``;`` inside quotes, dollar quotes or comments is not a separator); empty ones dropped. A
    query ended by ``\gexec`` is a ``Gexec``; any other psql meta-command is a ValueError."""
    out, start, i, n = [], 0, 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif c == "/" and sql.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if sql.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c in "'\"":
            j = i + 1
            while j < n and not (sql[j] == c and not sql.startswith(c * 2, j)):
                j += 2 if sql.startswith(c * 2, j) else 1
            i = j + 1
        elif c == "$" and (m := re.match(r"\$([a-z_][a-z0-9_]*)?\$", sql[i:], re.IGNORECASE)):
            j = sql.find(m.group(0), i + len(m.group(0)))
            i = n if j < 0 else j + len(m.group(0))
        elif c == ";":
            out.append(sql[start:i])
            start = i = i + 1
        elif c == "\\" and (m := re.match(r"\\([a-z]\w*)", sql[i:], re.IGNORECASE)):
            if m.group(1) != "gexec":
                raise ValueError(f"psql meta-command \\{m.group(1)} is not supported in a script (only \\gexec)")
            query = sql[start:i]
            if not strip_comments_and_bodies(query).strip():
                raise ValueError("\\gexec needs its query right before it (no ';' between them)")
            out.append(Gexec(query))
            start = i = i + len(m.group(0))
        else:
            i += 1
    out.append(sql[start:])
    return [st for st in out if strip_comments_and_bodies(st).strip()]


def runs_outside_transaction(statement: str) -> bool:
    """Whether ``statement`` cannot run inside a transaction block (or must not: a CALL that
    commits its batches), judged on its text without comments."""
    return bool(_OUTSIDE_TX_RE.match(strip_comments_and_bodies(statement)))


def strip_comments_and_bodies(sql: str) -> str:
    """The script without ``--`` comments and dollar-quoted bodies (function bodies, DO blocks):
    the statements the script itself runs, for reading the names it locks or drops."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"\$([a-z_]*)\$.*?\$\1\$", "''", sql, flags=re.S | re.I)
