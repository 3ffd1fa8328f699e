"""The shape of a script, shared by the Python layer and the static checks.

Decision: deploy and revert scripts carry their own ``BEGIN;`` ... ``COMMIT;`` (sqitch's
templates do, and psql then applies a change atomically); verify scripts carry ``BEGIN;`` ...
``ROLLBACK;``. The Python layer runs the body between them inside the transaction it manages
itself, so the same file behaves the same under sqitch (psql) and under psycopg.

A script whose first line is ``-- transactional: false`` has no BEGIN/COMMIT and holds exactly
one statement (e.g. ``CREATE INDEX CONCURRENTLY``); it runs in autocommit.
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
    return Script(text, body, True, header, requires)


def strip_comments_and_bodies(sql: str) -> str:
    """The script without ``--`` comments and dollar-quoted bodies (function bodies, DO blocks):
    the statements the script itself runs, for reading the names it locks or drops."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"\$([a-z_]*)\$.*?\$\1\$", "''", sql, flags=re.S | re.I)
