"""The per-file lints of the SQL tree, as functions over one script's text: the static tests run
them over every script of the plan, and the template test over the files `sqitch add` writes."""

from __future__ import annotations

import re

import pglast
from pglast.parser import scan

from lokdarpan_db.migrations.scripts import parse_script

HEADER = {"deploy": "-- Deploy lokdarpan:{} to pg", "revert": "-- Revert lokdarpan:{} from pg",
          "verify": "-- Verify lokdarpan:{} on pg"}


def check_header(text: str, kind: str, name: str, requires: list[str], where: str) -> None:
    """First line names the change; a deploy lists the plan's dependencies and says why."""
    lines = text.splitlines()
    # a non-transactional script's first line must be '-- transactional: false' (the engine and
    # yoyo read it there): the header follows it
    first = lines[1] if len(lines) > 1 and not parse_script(text, where).transactional else lines[0]
    assert first == HEADER[kind].format(name), f"{where}: first line (after '-- transactional: false')"
    if kind == "deploy":
        script = parse_script(text, where)
        assert sorted(script.requires) == sorted(requires), (
            f"{where}: '-- requires:' lines must match the plan")
        why = [h for h in script.header[1:] if not re.match(r"--\s*(requires|transactional)", h)]
        assert why, f"{where}: say why the change exists under the header"


# psql's \gexec on its own line ends a query whose result cells are statements (non-transactional
# scripts only: parse_script refuses it elsewhere); for pglast it ends a statement like ';'
GEXEC = re.compile(r"^\\gexec[ \t]*$", re.M)


def sql_of(body: str) -> str:
    """The body as pglast reads it: each \\gexec line a ';'."""
    return GEXEC.sub(";", body)


def check_transaction_shape_and_syntax(text: str, kind: str, where: str) -> None:
    assert not re.search(r"^\s*\\[a-zA-Z]", GEXEC.sub("", text), re.M), f"{where}: psql meta-command other than \\gexec"
    script = parse_script(text, where)  # raises on a bad shape (\gexec in a transactional script)
    if script.transactional:
        end = "rollback" if kind == "verify" else "commit"
        assert re.search(rf"^{end};\s*\Z", text, re.M | re.I), f"{where}: must end with {end};"
        no_tx = r"(create|drop)\s+(unique\s+)?index\s+concurrently|reindex\s+\(?[^;]*concurrently|detach\s+partition[^;]*concurrently"
        assert not re.search(no_tx, script.body, re.I) or kind == "verify", (
            f"{where}: CONCURRENTLY needs a '-- transactional: false' script")
    stmts = pglast.parser.split(sql_of(script.body))
    if not script.transactional:
        # its statements run one at a time (each in a transaction of its own unless it cannot
        # run in one): a BEGIN or COMMIT of its own would break that
        assert stmts, f"{where}: a non-transactional script with no statement"
        assert not any(re.match(r"\s*(begin|commit|rollback|start\s+transaction)\b", s, re.I) for s in stmts), (
            f"{where}: a non-transactional script runs its statements one at a time: no BEGIN/COMMIT")
    pglast.parser.parse_sql(sql_of(script.body))  # syntax


def check_keywords_lower_case(text: str, where: str) -> None:
    body = sql_of(parse_script(text).body)
    upper = []
    for tok in scan(body):
        if tok.kind in ("RESERVED_KEYWORD", "UNRESERVED_KEYWORD", "COL_NAME_KEYWORD",
                        "TYPE_FUNC_NAME_KEYWORD"):
            word = body[tok.start : tok.end + 1]
            if word.isupper() and len(word) > 1:
                upper.append(word)
    assert upper[:5] == [], f"{where}: keywords are lower-case in this tree"


def check_script(text: str, kind: str, name: str, requires: list[str], where: str) -> None:
    """Every per-file lint on one script."""
    check_header(text, kind, name, requires, where)
    check_transaction_shape_and_syntax(text, kind, where)
    check_keywords_lower_case(text, where)
