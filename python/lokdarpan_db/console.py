"""Everything the package prints to a person: messages, results."""

from __future__ import annotations

import sys
from collections.abc import Callable


def logger(quiet: bool = False) -> Callable[[str], None]:
    """A function printing progress messages on stderr (a no-op when ``quiet``)."""
    if quiet:
        return lambda msg: None
    return lambda msg: print(msg, file=sys.stderr, flush=True)


def out(text: str = "") -> None:
    """Print one result line (or block) on stdout."""
    print(text, flush=True)
