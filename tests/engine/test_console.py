"""console and retry: live progress on a terminal, plain lines in a pipe, nothing with -q;
confirmations; retries with back-off."""

from __future__ import annotations

import io

import pytest

from lokdarpan_db import console
from lokdarpan_db.errors import AbortedError
from lokdarpan_db.retry import poll, retry


def test_plain_progress_prints_lines_and_a_summary(capsys):
    with console.Progress("ingest posts", live=False, interval=0) as bar:
        bar.update(10, status="10 lines")
        bar.update(advance=5, status="15 lines")
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("ingest posts: 10 lines (") and err[-1].startswith("ingest posts: 15 lines (")
    assert all("\r" not in line and "\x1b" not in line for line in err)


def test_plain_progress_waits_for_its_interval(capsys):
    with console.Progress("ingest posts", live=False, interval=3600) as bar:
        for n in range(100):
            bar.update(n, status=f"{n} lines")
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "99 lines" in err[0]  # only the summary at the end


def test_steps_and_messages_are_plain_lines_in_a_pipe(capsys):
    log = console.logger()
    with console.Progress("backup", live=False) as bar:
        bar.step("dumping")
        log("a message from below")
        bar.step("checksumming")
    assert capsys.readouterr().err.splitlines() == ["dumping", "a message from below", "checksumming"]


def test_disabled_progress_prints_nothing(capsys):
    with console.Progress("backup", enabled=False) as bar:
        bar.step("dumping")
        bar.update(3, status="x")
        bar.note("note")
    console.logger(quiet=True)("quiet")
    assert capsys.readouterr() == ("", "")


def test_live_progress_draws_through_rich_and_routes_messages_above_the_bar(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    with console.Progress("import-sqlite", total=3, live=True) as bar:
        assert bar._rich is not None and console._active is bar
        bar.step("importing articles")
        console.logger()("a message")
        console.status("still importing")
    assert console._active is None
    text = stream.getvalue()
    assert "import-sqlite" in text and "a message" in text and "3" in text


def test_a_pipe_is_not_a_terminal():
    assert not console.is_terminal(io.StringIO())


def test_tables_are_plain_text_outside_a_terminal(capsys):
    console.print_table(["party", "share"], [("BRS", 0.31), ("AIMIM", None)], title="Parties")
    assert capsys.readouterr().out.splitlines() == ["Parties", "party  share", "-----  -----", "BRS    0.31",
                                                    "AIMIM"]


def test_confirm(monkeypatch):
    console.confirm("go?", yes=True, cannot_ask="x", declined="y")  # -y: no question
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    with pytest.raises(AbortedError, match="pass -y"):
        console.confirm("go?", cannot_ask="pass -y", declined="nothing done")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    answers = iter(["n", "yes"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    with pytest.raises(AbortedError, match="nothing done") as err:
        console.confirm("go?", cannot_ask="pass -y", declined="nothing done")
    assert err.value.exit_code == 7
    console.confirm("go?", cannot_ask="pass -y", declined="nothing done")


def test_retry_pauses_between_attempts_then_gives_up():
    slept, seen = [], []

    def attempt(n):
        seen.append(n)
        if n < 2:
            raise TimeoutError(f"attempt {n}")
        return "done"

    assert retry(attempt, pauses=[0.1, 0.2, 0.5], retry_on=TimeoutError, sleep=slept.append) == "done"
    assert seen == [0, 1, 2] and slept == [0.1, 0.2]
    retried = []
    with pytest.raises(TimeoutError, match="attempt 2"):
        retry(lambda n: (_ for _ in ()).throw(TimeoutError(f"attempt {n}")), pauses=[0.1, 0.2],
              retry_on=TimeoutError, on_retry=lambda n, exc: retried.append(n), sleep=slept.append)
    assert retried == [0, 1]
    with pytest.raises(ValueError):  # anything else is not retried
        retry(lambda n: int("x"), pauses=[1.0], retry_on=TimeoutError, sleep=slept.append)


def test_poll():
    calls, waits = [], []
    assert poll(lambda: calls.append(1) or len(calls) >= 3, timeout=60, interval=0.01,
                on_wait=lambda: waits.append(1), sleep=lambda s: None)
    assert len(calls) == 3 and waits == [1]
    assert not poll(lambda: False, timeout=0.05, interval=0.01)


def test_bars_ending_out_of_order_in_threads_leave_no_stale_bar(monkeypatch):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    a = console.Progress("a", live=True).__enter__()
    b = console.Progress("b", live=True).__enter__()
    a.__exit__(None, None, None)
    b.__exit__(None, None, None)
    assert console._active is None
    with console.Progress("plain", live=False):
        assert console._active is None  # a plain bar never captures messages
