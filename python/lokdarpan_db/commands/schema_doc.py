"""schema-doc: write (or check) docs/schema.md, the reference of the live schema."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import EXIT_ERROR, UserError
from ..migrations.schema_doc import COMMAND, DEFAULT_PATH, first_difference, generate_from_plan, read_catalog, render
from ..postgres.connect import connect, redact, resolve_url
from . import logger, project_dir


def cmd_schema_doc(args) -> int:
    """Write (or with --check compare) the generated schema reference."""
    log = logger(args)
    root = project_dir(args)
    url = resolve_url(args.db, log=log)
    if args.deployed:
        with connect(url) as conn:
            schemas = read_catalog(conn)
        if not schemas:
            raise UserError(
                f"{redact(url)} holds no module schema: deploy the plan first "
                "(or leave out --deployed to document the plan)"
            )
        text = render(schemas)
    else:
        text = generate_from_plan(url, root, log=log)
    target = Path(args.out) if args.out else root / DEFAULT_PATH
    if args.check:
        if str(target) == "-":
            raise UserError("--check needs a file to compare with (--out FILE)")
        if not target.exists():
            raise UserError(f"{target} does not exist (run {COMMAND})")
        diff = first_difference(target.read_text(encoding="utf-8"), text)
        if diff is not None:
            line, have, want = diff
            print(
                f"lokdarpan-db schema-doc: {target} is out of date at line {line}: it has "
                f"{have!r}, the schema gives {want!r} (run {COMMAND} to regenerate it)",
                file=sys.stderr,
            )
            return EXIT_ERROR
        log(f"{target} is up to date")
        return 0
    if str(target) == "-":
        sys.stdout.write(text)
        return 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror}") from None
    log(f"wrote {target} ({text.count(chr(10))} lines)")
    return 0


def register(sub, common) -> None:
    """Add the schema-doc command."""
    p = sub.add_parser(
        "schema-doc",
        parents=[common],
        help="write docs/schema.md, the reference of the live schema (--check: is it up to date?)",
        description="Deploy the plan into a scratch database on the server (--db, $DATABASE_URL, "
        "else the embedded one), write the reference of its schema from the catalog and "
        "the COMMENT ONs, and drop the scratch database.",
    )
    p.add_argument(
        "--out", metavar="FILE", help="where to write it (default: docs/schema.md of the project; - for stdout)"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming the first differing line when FILE is out of date",
    )
    p.add_argument(
        "--deployed",
        action="store_true",
        help="document the database --db names as it is, instead of a scratch deploy of the plan",
    )
    p.set_defaults(func=cmd_schema_doc)
