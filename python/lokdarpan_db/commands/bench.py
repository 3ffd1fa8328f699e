"""bench KIND: dispatch to lokdarpan_db.bench.<kind> modules."""

from __future__ import annotations

import importlib
import pkgutil

from .. import bench, console


def register(sub, common) -> None:
    """Add the bench command, one subcommand per benchmark module."""
    p = sub.add_parser("bench", parents=[common], help="run a benchmark and write BENCHMARKS.md")
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{bench.__name__}.{info.name}")
        if hasattr(module, "add_arguments") and hasattr(module, "run"):
            kp = kinds.add_parser(info.name, parents=[common], help=(module.__doc__ or "").strip().splitlines()[0])
            module.add_arguments(kp)
            kp.set_defaults(func=_with_progress(module.run))


def _with_progress(run):
    """``run`` under a live progress line on a terminal (messages above it; none with -q)."""

    def cmd_bench(args) -> int:
        with console.Progress(f"bench {args.kind}", enabled=not args.quiet):
            return run(args)

    return cmd_bench
