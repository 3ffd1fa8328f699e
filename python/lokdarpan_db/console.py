"""Everything the package prints to a person: messages, results, tables, progress, confirmations.

A terminal (stderr a tty, ``$CI`` unset, ``$TERM`` not ``dumb``) gets live progress bars and
drawn tables through ``rich``; a pipe gets plain lines; ``-q`` silences everything but results.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import IO, Any

from .errors import AbortedError

_active: Progress | None = None  # the live progress bar on screen, if any
_active_lock = threading.Lock()


def is_terminal(stream: IO[str] | None = None) -> bool:
    """True when ``stream`` (default stderr) is a terminal that can show live output."""
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


def _noop(msg: str) -> None:
    return None


def logger(quiet: bool = False) -> Callable[[str], None]:
    """A function printing progress messages on stderr (a no-op when ``quiet``); while a live
    progress bar is on screen, the messages appear above it."""
    if quiet:
        return _noop

    def log(msg: str) -> None:
        bar = _active
        if bar is not None:
            bar.note(msg)
        else:
            print(msg, file=sys.stderr, flush=True)

    return log


def out(text: str = "") -> None:
    """Print one result line (or block) on stdout."""
    print(text, flush=True)


def status(text: str) -> None:
    """Show ``text`` as the state of the live progress bar, if one is on screen (else nothing)."""
    bar = _active
    if bar is not None:
        bar.update(status=text)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def render_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """The rows as a plain-text table: a header line, a rule, one line per row."""
    cells = [[_cell(v) for v in r] for r in rows]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str | None = None) -> None:
    """Print a table on stdout: drawn by rich on a terminal, plain text otherwise."""
    if is_terminal(sys.stdout):
        from rich.console import Console
        from rich.table import Table

        table = Table(*headers, title=title, title_justify="left")
        for r in rows:
            table.add_row(*(_cell(v) for v in r))
        Console().print(table)
        return
    if title:
        out(title)
    out(render_table(headers, rows))


def confirm(question: str, *, yes: bool = False, cannot_ask: str, declined: str) -> None:
    """Return when ``yes`` or when the person at the terminal answers y; otherwise raise
    ``AbortedError`` with ``cannot_ask`` (no terminal) or ``declined`` (any other answer)."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise AbortedError(cannot_ask)
    answer = input(f"{question} [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise AbortedError(declined)


class Progress:
    """Progress of one long task: a live rich bar on a terminal, a plain line at most every
    ``interval`` seconds (and one at the end) otherwise, nothing when disabled.

    Use as a context manager; ``update`` sets the counts and the status text, ``step`` advances
    by one with a message, ``note`` prints a line without disturbing the bar."""

    def __init__(
        self,
        description: str,
        total: float | None = None,
        *,
        enabled: bool = True,
        live: bool | None = None,
        interval: float = 10.0,
    ):
        self.description = description
        self.total = total
        self.completed = 0.0
        self.text = ""
        self.enabled = enabled
        self.live = enabled and (is_terminal() if live is None else live)
        self.interval = interval
        self._t0 = time.monotonic()
        self._last_line = self._t0
        self._rich: Any = None
        self._task: Any = None
        self._previous: Progress | None = None
        self._closed = False
        self._counting = False  # update() was used: the plain mode ends with a summary line

    def __enter__(self) -> Progress:
        global _active
        self._t0 = self._last_line = time.monotonic()
        if self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as RichProgress

            counted = [BarColumn(), MofNCompleteColumn()] if self.total else []  # no bar without a total
            self._rich = RichProgress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                *counted,
                TimeElapsedColumn(),
                TextColumn("{task.fields[status]}"),
                console=Console(stderr=True),
                transient=False,
            )
            self._rich.start()
            self._task = self._rich.add_task(self.description, total=self.total, status="")
            with _active_lock:  # only a live bar captures messages (one can be on screen)
                self._previous, _active = _active, self
        return self

    def update(
        self,
        completed: float | None = None,
        *,
        advance: float = 0,
        status: str | None = None,
        total: float | None = None,
    ) -> None:
        """Set the completed count (or advance it), the status text, or the total."""
        if completed is not None:
            self.completed = completed
        self.completed += advance
        if status is not None:
            self.text = status
        if total is not None:
            self.total = total
        self._counting = True
        if not self.enabled:
            return
        if self.live:
            self._rich.update(self._task, completed=self.completed, total=self.total, status=self.text)
        elif time.monotonic() - self._last_line >= self.interval:
            self._plain_line()

    def step(self, msg: str) -> None:
        """Advance by one and show ``msg`` as the current step (a plain line when not live)."""
        self.completed += 1
        self.text = msg
        if not self.enabled:
            return
        if self.live:
            self._rich.update(self._task, completed=self.completed, total=self.total, status=msg)
        else:
            print(msg, file=sys.stderr, flush=True)
            self._last_line = time.monotonic()

    def note(self, msg: str) -> None:
        """Print a message line (above the bar when live)."""
        if not self.enabled:
            return
        if self.live:
            self._rich.console.print(msg, markup=False, highlight=False)
        else:
            print(msg, file=sys.stderr, flush=True)
            self._last_line = time.monotonic()

    def _plain_line(self) -> None:
        parts = [f"{self.completed:,.0f}/{self.total:,.0f}"] if self.total else []
        parts += [self.text] if self.text else []
        print(
            f"{self.description}: {', '.join(parts)} ({time.monotonic() - self._t0:.0f} s)", file=sys.stderr, flush=True
        )
        self._last_line = time.monotonic()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        global _active
        with _active_lock:
            self._closed = True
            if _active is self:  # bars in other threads may end in any order: skip ended ones
                previous = self._previous
                while previous is not None and previous._closed:
                    previous = previous._previous
                _active = previous
        if self.live:
            self._rich.stop()
        elif self.enabled and kind is None and self._counting:
            self._plain_line()
