"""Retries with back-off: one helper for every operation that may fail for a while and then succeed."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def retry(
    attempt: Callable[[int], T],
    *,
    pauses: Sequence[float],
    retry_on: type[BaseException] | tuple[type[BaseException], ...],
    on_retry: Callable[[int, BaseException], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``attempt(n)`` for n = 0, 1, ... until it returns; after an exception of ``retry_on``,
    pause ``pauses[n]`` seconds and try again. ``len(pauses) + 1`` attempts in all: the last
    attempt's exception propagates."""
    for n in range(len(pauses) + 1):
        try:
            return attempt(n)
        except retry_on as exc:
            if n == len(pauses):
                raise
            if on_retry is not None:
                on_retry(n, exc)
            sleep(pauses[n])
    raise AssertionError("unreachable")  # pragma: no cover


def poll(
    ready: Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.2,
    on_wait: Callable[[], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Call ``ready()`` every ``interval`` seconds until it is true (returns True) or ``timeout``
    seconds have passed (returns False); ``on_wait`` runs once, before the first pause."""
    deadline = time.monotonic() + timeout
    waited = False
    while not ready():
        if time.monotonic() >= deadline:
            return False
        if not waited and on_wait is not None:
            on_wait()
        waited = True
        sleep(interval)
    return True
