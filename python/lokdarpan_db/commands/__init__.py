"""CLI subcommands: one module per group, each with ``register(subparsers, common)``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .. import console, project


def project_dir(args) -> Path:
    """The project directory the command line names (--project-dir), else the default one."""
    return project.project_dir(getattr(args, "project_dir", None))


def logger(args) -> Callable[[str], None]:
    """Progress messages on stderr, silenced by -q."""
    return console.logger(getattr(args, "quiet", False))


def out(args, text: str = "") -> None:
    """Print a result on stdout."""
    console.out(text)
