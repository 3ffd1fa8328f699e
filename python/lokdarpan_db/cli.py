"""``lokdarpan-db``: a thin shell over importable functions.

Every subcommand lives in a module of ``lokdarpan_db.commands`` that defines
``register(subparsers, common)``; the parser is assembled from whatever modules are there, so a
new command is a new file. Errors a user can cause (``UserError``) end in one line on stderr and
the exit code documented in the README; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from . import commands
from .errors import EXIT_ERROR, UserError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per ``register`` found in ``commands``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", help="PostgreSQL URL (default: $DATABASE_URL, else the embedded server)")
    common.add_argument(
        "--project-dir",
        default=None,
        metavar="DIR",
        help="directory holding sqitch.conf and sqitch.plan (default: the installed project)",
    )
    common.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser = argparse.ArgumentParser(
        prog="lokdarpan-db",
        description="Deploy, verify, revert and operate the LokDarpan DB schema package.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
    except UserError as exc:
        print(f"lokdarpan-db {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"lokdarpan-db {args.command}: interrupted", file=sys.stderr)
        return EXIT_ERROR
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
