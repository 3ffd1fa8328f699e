"""CLI subcommands: one module per group, each with ``register(subparsers, common)``."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def project_dir(args) -> Path:
    """--project-dir, else $LOKDARPAN_PROJECT_DIR, else the source tree this package sits in
    (python/lokdarpan_db -> repository root), else the current directory."""
    if getattr(args, "project_dir", None):
        return Path(args.project_dir)
    if os.environ.get("LOKDARPAN_PROJECT_DIR"):
        return Path(os.environ["LOKDARPAN_PROJECT_DIR"])
    here = Path(__file__).resolve().parents[3]
    if (here / "sqitch.plan").exists():
        return here
    return Path.cwd()


def logger(args):
    if getattr(args, "quiet", False):
        return lambda msg: None
    return lambda msg: print(msg, file=sys.stderr, flush=True)


def out(args, text: str = "") -> None:
    print(text, flush=True)
