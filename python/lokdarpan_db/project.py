"""Where the project (sqitch.conf, sqitch.plan, sql/) lives."""

from __future__ import annotations

import os
from pathlib import Path


def project_dir(explicit: str | Path | None = None) -> Path:
    """``explicit`` (--project-dir), else $LOKDARPAN_PROJECT_DIR, else the source tree this package
    sits in, else the current directory."""
    if explicit:
        return Path(explicit)
    if os.environ.get("LOKDARPAN_PROJECT_DIR"):
        return Path(os.environ["LOKDARPAN_PROJECT_DIR"])
    here = Path(__file__).resolve().parents[2]  # python/lokdarpan_db/project.py -> repository root
    if (here / "sqitch.plan").exists():
        return here
    return Path.cwd()
