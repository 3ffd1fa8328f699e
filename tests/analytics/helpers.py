"""Posts into a test database through the real ingest path."""

from __future__ import annotations

import json
from pathlib import Path

from lokdarpan_db.ingest.load import ingest_files


def ingest_posts(url: str, path: Path, posts: list[dict], now=None):
    """Write posts (the ingest's JSON fields) as JSON Lines to path and ingest them on one worker
    (``now``: the instant ingest validates timestamps against; default the real now)."""
    path.write_text("".join(json.dumps(p, default=str) + "\n" for p in posts))
    return ingest_files(url, [path], workers=1, now=now, progress=False)
