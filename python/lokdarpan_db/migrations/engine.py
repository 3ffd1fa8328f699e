"""Deploy, revert, verify and check the plan through yoyo-migrations.

Every plan change becomes a yoyo ``Migration`` whose single step runs, in one transaction:
the deploy script (with a bounded ``lock_timeout`` ramp), the change's verify script (in a
savepoint that is rolled back), and the registry row with the scripts' checksums. A failing
verify rolls the whole change back and stops the run, naming the change and the error.

A run holds a session advisory lock taken by polling (``--lock-wait`` seconds, never an
unbounded wait); it is released by the server if the process dies, so a killed deploy never
leaves a stale lock behind.
"""

from __future__ import annotations

import enum
import random
import re
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import psycopg
from yoyo import get_backend
from yoyo.migrations import Migration, StepCollector

from ..errors import (
    ChangeFailed,
    ChangeLockTimeout,
    DataLossRefused,
    LockTimeoutError,
    MissingExtensionError,
    TamperedError,
    UserError,
    VerifyError,
)
from ..postgres.connect import connect, yoyo_url
from ..retry import poll
from . import bookkeeping, data_guard
from .plan import KINDS, Change, Plan, load_plan
from .scripts import Gexec, Script, parse_script, runs_outside_transaction, split_statements, strip_comments_and_bodies

LOCK_KEY = "lokdarpan-db:deploy"
T = TypeVar("T")


@dataclass(frozen=True)
class LockRamp:
    """How a change waits for its locks: short attempts, retried with back-off and jitter.

    Each attempt runs the whole change in a savepoint with ``lock_timeout`` starting at
    ``first_ms`` and growing by ``growth`` up to ``max_ms``; a lock that is not granted in time,
    or a deadlock, rolls the attempt back (every lock it took goes with it) and the change is
    tried again after a pause (``pause_first`` growing to ``pause_max``, +/- ``jitter``), until
    ``budget_s`` seconds have passed since the first attempt: then exit code 4. A waiting ACCESS
    EXCLUSIVE therefore queues the application behind it for at most ``max_ms``, never seconds
    (pgroll's and GitLab's approach)."""

    first_ms: int = 50
    max_ms: int = 200
    growth: float = 1.5
    pause_first: float = 0.05
    pause_max: float = 2.0
    jitter: float = 0.5
    budget_s: float = 60.0

    def attempts(self):
        """(lock_timeout ms, pause s before the next attempt) until the budget is spent; the
        last attempt has no pause."""
        rng = random.Random()
        start, planned = time.monotonic(), 0.0
        timeout, pause = float(self.first_ms), self.pause_first
        while True:
            # the budget counts the waits it plans and, when the change itself is slow, real time
            spent = max(planned, time.monotonic() - start)
            wait = min(pause, self.pause_max) * (1 + self.jitter * (2 * rng.random() - 1))
            if spent + timeout / 1000 + wait >= self.budget_s:
                yield int(timeout), None
                return
            yield int(timeout), wait
            planned += timeout / 1000 + wait
            timeout = min(self.max_ms, timeout * self.growth)
            pause *= 2


LOCK_RAMP = LockRamp()
# a deadlock inside a change is the same situation as a lock not granted in time: the change
# rolls back to its savepoint and tries again (the other session keeps its locks and goes on)
RETRYABLE = (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected)


def with_lock_ramp(
    attempts: Iterable[tuple[int, float | None]],
    attempt: Callable[[int], T],
    on_retry: Callable[[str], None],
    give_up: Callable[[int, float, BaseException], Exception],
) -> T:
    """Call ``attempt(lock_timeout_ms)`` for each (timeout, pause) of a ramp until it returns; a
    lock not granted in time or a deadlock calls ``on_retry`` with what happened, pauses and tries
    again; after the last attempt raises ``give_up(attempts made, seconds, the error)``."""
    n, t0 = 0, time.monotonic()
    for timeout_ms, pause in attempts:
        n += 1
        try:
            return attempt(timeout_ms)
        except RETRYABLE as exc:
            if pause is None:
                raise give_up(n, time.monotonic() - t0, exc) from None
            on_retry(
                "deadlock"
                if isinstance(exc, psycopg.errors.DeadlockDetected)
                else f"lock not granted in {timeout_ms} ms"
            )
            time.sleep(pause)
    raise AssertionError("unreachable: a ramp's last attempt has no pause")  # pragma: no cover


_REPLACE_FN_RE = re.compile(
    r"create\s+or\s+replace\s+function\s+\"?([a-z_][a-z0-9_]*)\"?\s*\.\s*\"?([a-z_][a-z0-9_]*)\"?\s*\(", re.I
)
_TRIGGER_TABLES = """
select distinct c.oid::regclass::text
  from pg_trigger t
  join pg_proc p on p.oid = t.tgfoid
  join pg_namespace n on n.oid = p.pronamespace
  join pg_class c on c.oid = t.tgrelid
 where not t.tgisinternal and t.tgparentid = 0 and n.nspname || '.' || p.proname = any(%s)
 order by 1
"""
_ALTER_RE = re.compile(
    r"\s*(?:alter|drop)\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)", re.I
)
# ALTER TABLE forms that take less than ACCESS EXCLUSIVE: left to the statement itself
_WEAK_ALTER_RE = re.compile(
    r"validate\s+constraint|not\s+valid|set\s+statistics|foreign\s+key|references|"
    r"\b(?:attach|detach)\s+partition|cluster\s+on|set\s+without\s+cluster|"
    r"(?:enable|disable)\s+(?:always\s+|replica\s+)?trigger|\b(?:re)?set\s*\(",
    re.I,
)


_EXT_RE = re.compile(r"create\s+extension\s+(?:if\s+not\s+exists\s+)?\"?([a-z0-9_]+)", re.I)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass
class StatusRow:
    """One line of ``status``: a plan change (None when the plan no longer has it) and its deploy."""

    change: Change | None
    change_id: str
    deployed: bookkeeping.Deployed | None


class ProblemKind(enum.Enum):
    """What is wrong with a deployed change."""

    UNKNOWN_CHANGE = "unknown change"  # deployed, but not in the plan
    SCRIPT_GONE = "script gone"  # a deployed change's script file is missing
    SCRIPT_EDITED = "script edited"  # its sha256 differs from the one recorded at deploy
    NOT_A_PREFIX = "not a prefix"  # the deployed changes are not the first changes of the plan


@dataclass(frozen=True)
class Problem:
    """One problem with what is deployed, with the message ``check`` prints."""

    kind: ProblemKind
    message: str
    change_id: str | None = None
    script: str | None = None  # deploy, revert or verify

    def __str__(self) -> str:
        return self.message


class Deployer:
    """Deploys, reverts, verifies and checks the plan of one project against one database."""

    def __init__(
        self,
        url: str,
        project_dir=".",
        *,
        log: Callable[[str], None] | None = None,
        lock_wait: float = 60.0,
        lock_ramp=None,
    ):
        self.url = url
        self.plan: Plan = load_plan(project_dir)
        self.log = log or (lambda msg: None)
        self.lock_wait = lock_wait
        self.lock_ramp = lock_ramp or LOCK_RAMP
        self.lock_retries = 0  # attempts rolled back and retried by this engine (for reports)
        self.verify_seconds: dict[str, float] = {}  # each change's last verify, in seconds (for reports)

    # -- plumbing ------------------------------------------------------------------------------
    @contextmanager
    def _locked(self):
        """A connection holding the deploy advisory lock, polled for up to ``lock_wait`` s."""
        conn = connect(self.url, autocommit=True)
        try:
            got = poll(
                lambda: conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [LOCK_KEY]).fetchone()[0],
                timeout=self.lock_wait,
                interval=0.2,
                on_wait=lambda: self.log("waiting for another lokdarpan-db run to release the deploy lock"),
            )
            if not got:
                holder = conn.execute(
                    "SELECT string_agg(a.pid::text || ' (' || a.application_name || ')', ', ')"
                    " FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                    " WHERE l.locktype = 'advisory' AND l.objid = hashtext(%s)::oid"
                    " AND l.granted",
                    [LOCK_KEY],
                ).fetchone()[0]
                raise LockTimeoutError(
                    f"another lokdarpan-db run holds the deploy lock (backend {holder}); "
                    f"gave up after {self.lock_wait:g} s (--lock-wait)"
                )
            yield conn
        finally:
            conn.close()

    def _backend(self):
        url = yoyo_url(self.url)
        if "application_name=" not in url:  # the backend running the changes, for pg_stat_activity
            url += ("&" if "?" in url else "?") + "application_name=lokdarpan-db%20changes"
        return get_backend(url, migration_table="_yoyo_migration")

    def _migration(self, change: Change) -> _PlanMigration:
        return _PlanMigration(change, self)

    def _reconcile_yoyo(self, backend, deployed_ids: set[str]) -> None:
        """Make yoyo's table agree with our registry (they may differ after a crash between
        the change's commit and yoyo's own bookkeeping transaction)."""
        applied = set(backend.get_applied_migration_hashes())
        mark, unmark = [], []
        for change in self.plan.changes:
            m = self._migration(change)
            if change.change_id in deployed_ids and m.hash not in applied:
                mark.append(m)
            elif change.change_id not in deployed_ids and m.hash in applied:
                unmark.append(m)
        if mark:
            backend.mark_migrations(mark)
        if unmark:
            backend.unmark_migrations(unmark)

    def deployed_ids(self, conn) -> list[str]:
        """The deployed change ids, in deploy order."""
        return [d.change_id for d in bookkeeping.deployed(conn)]

    # -- checks --------------------------------------------------------------------------------
    def tampered(self, conn) -> list[Problem]:
        """Problems with what is deployed: edited scripts, changes unknown to the plan,
        or a deployed set that is not a prefix of the plan."""
        problems = []
        by_id = self.plan.by_id()
        deployed = bookkeeping.deployed(conn)
        for d in deployed:
            change = by_id.get(d.change_id)
            if change is None:
                problems.append(
                    Problem(
                        ProblemKind.UNKNOWN_CHANGE,
                        f"deployed change {d.change_id} is not in {self.plan.plan_file}",
                        d.change_id,
                    )
                )
                continue
            for kind in KINDS:
                path = change.script(kind)
                if not path.exists():
                    problems.append(
                        Problem(
                            ProblemKind.SCRIPT_GONE,
                            f"change {d.change_id}: deployed {kind} script {path} is gone",
                            d.change_id,
                            kind,
                        )
                    )
                elif change.checksum(kind) != d.checksums[kind]:
                    problems.append(
                        Problem(
                            ProblemKind.SCRIPT_EDITED,
                            f"change {d.change_id}: {kind} script {path} was edited "
                            "after it was deployed (rework the change instead)",
                            d.change_id,
                            kind,
                        )
                    )
        ids = [d.change_id for d in deployed if d.change_id in by_id]
        expected = [c.change_id for c in self.plan.changes[: len(ids)]]
        if ids != expected and not problems:
            problems.append(
                Problem(
                    ProblemKind.NOT_A_PREFIX,
                    "deployed changes are not a prefix of the plan: deployed "
                    f"{', '.join(ids[-3:])}; the plan expects {', '.join(expected[-3:])}",
                )
            )
        return problems

    def _refuse_if_tampered(self, conn) -> None:
        problems = self.tampered(conn)
        if problems:
            raise TamperedError(
                problems[0].message
                + (f" (and {len(problems) - 1} more problems; run lokdarpan-db check)" if len(problems) > 1 else "")
            )

    def _check_extensions(self, conn, changes: list[Change]) -> None:
        available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
        for change in changes:
            for ext in _EXT_RE.findall(change.read("deploy")):
                if ext.lower() not in available:
                    version = conn.execute("SHOW server_version").fetchone()[0]
                    raise MissingExtensionError(
                        f"change {change.change_id} needs the extension '{ext}', which is not "
                        f"available on this server (PostgreSQL {version}); install it "
                        "(e.g. Debian package postgresql-NN-pgvector for 'vector') — "
                        "nothing was changed"
                    )

    def _target_index(self, to: str | None) -> int:
        return len(self.plan.changes) - 1 if to is None else self.plan.index_of(to)

    # -- commands ------------------------------------------------------------------------------
    def status(self) -> list[StatusRow]:
        """Every plan change with its deploy, then deployed changes the plan no longer has."""
        with connect(self.url, autocommit=True) as conn:
            deployed = {d.change_id: d for d in bookkeeping.deployed(conn)}
        rows = [StatusRow(c, c.change_id, deployed.pop(c.change_id, None)) for c in self.plan.changes]
        rows += [StatusRow(None, cid, d) for cid, d in deployed.items()]
        return rows

    def pending(self, to: str | None = None) -> list[Change]:
        """The plan changes up to ``to`` that are not deployed."""
        with connect(self.url, autocommit=True) as conn:
            done = set(self.deployed_ids(conn))
        last = self._target_index(to)
        return [c for c in self.plan.changes[: last + 1] if c.change_id not in done]

    def dry_run(self, to: str | None = None) -> list[tuple[Change, str]]:
        """The changes ``deploy`` would apply and the SQL it would run; touches nothing."""
        with connect(self.url, autocommit=True) as conn:
            conn.execute("SET default_transaction_read_only = on")
            self._refuse_if_tampered(conn)
            done = set(self.deployed_ids(conn))
            last = self._target_index(to)
            todo = [c for c in self.plan.changes[: last + 1] if c.change_id not in done]
            self._check_extensions(conn, todo)
        return [(c, c.read("deploy")) for c in todo]

    def deploy(self, to: str | None = None) -> list[Change]:
        """Deploy the pending changes up to ``to`` (all without it); returns them."""
        with self._locked() as conn:
            self._refuse_if_tampered(conn)
            done = self.deployed_ids(conn)
            last = self._target_index(to)
            if len(done) > last + 1:
                raise UserError(
                    f"{self.plan.changes[last].change_id} is already deployed with "
                    f"{len(done) - last - 1} change(s) after it; use revert --to"
                )
            todo = [c for c in self.plan.changes[: last + 1] if c.change_id not in set(done)]
            if not todo:
                self.log("nothing to deploy")
                return []
            self._check_extensions(conn, todo)  # before anything, our bookkeeping included, changes
            bookkeeping.ensure(conn)
            backend = self._backend()
            try:
                self._reconcile_yoyo(backend, set(done))
                for change in todo:
                    self.log(f"+ {change.change_id}")
                    try:
                        backend.apply_one(self._migration(change))
                    except ChangeFailed as exc:
                        bookkeeping.record_failure(conn, change, str(exc))
                        raise
            finally:
                backend.connection.close()
        return todo

    def revert(self, to: str | None = None, *, drop_data: bool = False) -> list[Change]:
        """Revert every deployed change after ``to`` (all of them when ``to`` is None).

        Refuses (``DataLossRefused``, before reverting anything) when the changes would drop a
        table of primary data that holds rows the deploys did not write, naming each table and
        its rows, unless ``drop_data`` (see ``data_guard``); derived tables may always go."""
        with self._locked() as conn:
            bookkeeping.ensure(conn)
            done = self.deployed_ids(conn)
            keep = -1 if to is None else self.plan.index_of(to)
            by_id = self.plan.by_id()
            todo = [by_id[cid] for cid in reversed(done) if cid in by_id and self.plan.changes.index(by_id[cid]) > keep]
            reverting = {c.change_id for c in todo}
            problems = [
                p
                for p in self.tampered(conn)
                if p.kind is ProblemKind.UNKNOWN_CHANGE or (p.change_id in reverting and p.script == "revert")
            ]
            if problems:
                raise TamperedError(problems[0].message)
            if not todo:
                self.log("nothing to revert")
                return []
            if not drop_data:
                held = data_guard.held_by(conn, todo)
                if held:
                    raise DataLossRefused(
                        "revert refused: it would drop tables that still hold data: "
                        + "; ".join(str(h) for h in held)
                        + ". Nothing was reverted. Back the data up (lokdarpan-db backup), then pass "
                        "--drop-data to drop it; derived tables (rollups, caches) are dropped without asking"
                    )
            backend = self._backend()
            try:
                self._reconcile_yoyo(backend, set(done))
                for change in todo:
                    self.log(f"- {change.change_id}")
                    backend.rollback_one(self._migration(change))
            finally:
                backend.connection.close()
        return todo

    def verify(self, changes: list[Change] | None = None) -> list[tuple[Change, str | None]]:
        """Run the verify script of every deployed change; (change, error or None).

        As sqitch does, a change reworked later verifies only through its newest deployed
        occurrence: the earlier occurrence's verify checks a shape the rework replaced."""
        results: list[tuple[Change, str | None]] = []
        with connect(self.url, autocommit=True) as conn:
            if changes is None:
                by_id = self.plan.by_id()
                deployed = [by_id[cid] for cid in self.deployed_ids(conn) if cid in by_id]
                newest: dict[str, int] = {}
                for c in deployed:
                    newest[c.name] = max(newest.get(c.name, 0), c.occurrence)
                changes = [c for c in deployed if c.occurrence == newest[c.name]]
            for change in changes:
                started = time.perf_counter()
                try:
                    with conn.transaction(force_rollback=True):
                        conn.execute(parse_script(change.read("verify")).body)
                    results.append((change, None))
                except psycopg.Error as exc:
                    results.append((change, _first_line(exc)))
                self.verify_seconds[change.change_id] = time.perf_counter() - started
        return results

    def check(self) -> list[Problem]:
        """Every problem with what is deployed (edited or missing scripts, unknown changes, order)."""
        with connect(self.url, autocommit=True) as conn:
            return self.tampered(conn)

    def rebase(self, onto: str | None, to: str | None = None, *, drop_data: bool = False) -> tuple[list, list]:
        """Revert to ``onto`` (refusing to drop primary data unless ``drop_data``), then deploy
        to ``to``: (reverted, deployed)."""
        return self.revert(onto, drop_data=drop_data), self.deploy(to)

    # -- running one change --------------------------------------------------------------------
    def _attempts(self):
        ramp = self.lock_ramp
        if isinstance(ramp, LockRamp):
            return ramp.attempts()
        # an explicit list of (lock_timeout ms, pause s)
        return iter([(ms, pause if i < len(ramp) - 1 else None) for i, (ms, pause) in enumerate(ramp)])

    def _prelock(self, conn, change: Change, body: str) -> str | None:
        """The LOCK statement an attempt starts with: every lock the script will need that can
        be named in advance, taken at once under the attempt's short lock_timeout, before any
        work. Two kinds:

        * tables the script alters or drops (ACCESS EXCLUSIVE; ``ALTER TABLE`` forms that
          take less, such as ``VALIDATE CONSTRAINT``, are left to the statement). A change that
          altered one rollup table, worked for seconds, then asked for the next one could only
          get it if no reader held it: a reader holding the second table and waiting for the
          first made every attempt fail (or, past deadlock_timeout, deadlocked the reader);
        * tables whose triggers run a function the script replaces (SHARE ROW EXCLUSIVE, what
          CREATE TRIGGER takes). A session writing such a table while the change runs would
          otherwise pick the old trigger body (the replacement is not committed), wait for a
          table the change alters, and after the commit run the old body against the new table
          shape: ``INSERT has more expressions than target columns`` or a NOT NULL violation
          (analytics/rollup#2, both ways). Writers now wait before their triggers are chosen;
          readers go on.

        Tables the script creates do not exist yet and are skipped."""
        text = strip_comments_and_bodies(body)
        names = sorted({f"{a.lower()}.{b.lower()}" for a, b in _REPLACE_FN_RE.findall(text)})
        writers = [r[0] for r in conn.execute(_TRIGGER_TABLES, [names])] if names else []
        altered: list[str] = []
        for stmt in text.split(";"):
            m = _ALTER_RE.match(stmt)
            if m and not _WEAK_ALTER_RE.search(stmt):
                altered.append(m.group(1))
        altered = (
            [
                r[0]
                for r in conn.execute(
                    "select distinct on (c) c::text from unnest(%s::text[]) with ordinality u(n, o),"
                    " to_regclass(u.n) c where c is not null",
                    [altered],
                )
            ]
            if altered
            else []
        )
        writers = [t for t in writers if t not in altered]
        if not writers and not altered:
            return None
        parts = []
        if writers:
            self.log(
                f"  {change.change_id}: replaces trigger functions of {', '.join(writers)}: writers wait for the change"
            )
            parts.append(f"LOCK TABLE {', '.join(writers)} IN SHARE ROW EXCLUSIVE MODE")
        if altered:
            parts.append(f"LOCK TABLE {', '.join(altered)} IN ACCESS EXCLUSIVE MODE")
        return "; ".join(parts)

    def run_with_ramp(self, conn, change: Change, kind: str, body: str) -> None:
        """Run ``body`` in a savepoint with a short lock_timeout; a lock not granted in time or
        a deadlock rolls the attempt back and retries (see LockRamp); exit 4 after the ramp."""
        guard = self._prelock(conn, change, body)

        def attempt(timeout_ms: int) -> None:
            conn.execute("SAVEPOINT lokdarpan_attempt")
            conn.execute(f"SET LOCAL lock_timeout = '{int(timeout_ms)}ms'")
            try:
                if guard:
                    conn.execute(guard)
                conn.execute(body)
                if kind == "deploy":
                    bookkeeping.mark_seed_xact(conn, change)
            except RETRYABLE:
                conn.execute("ROLLBACK TO SAVEPOINT lokdarpan_attempt")
                raise
            except psycopg.Error as exc:
                raise ChangeFailed(f"change {change.change_id}: {kind} failed: {_first_line(exc)}") from None
            conn.execute("RELEASE SAVEPOINT lokdarpan_attempt")

        def on_retry(what: str) -> None:
            self.log(f"  {change.change_id}: {what}, retrying")
            self.lock_retries += 1

        with_lock_ramp(
            self._attempts(),
            attempt,
            on_retry,
            give_up=lambda n, seconds, exc: ChangeLockTimeout(
                f"change {change.change_id}: {kind} could not take its locks after "
                f"{n} attempts in {seconds:.1f} s ({_first_line(exc)})"
            ),
        )

    def apply_change(self, conn, change: Change, transactional: bool) -> None:
        """Deploy one change on ``conn``: its script, its verify, its bookkeeping row."""
        sums = change.checksums()
        body = parse_script(change.read("deploy"), str(change.script("deploy"))).body
        verify = parse_script(change.read("verify"), str(change.script("verify"))).body
        if transactional:
            self.run_with_ramp(conn, change, "deploy", body)
            conn.execute("SAVEPOINT lokdarpan_verify")
            try:
                conn.execute(verify)
            except psycopg.Error as exc:
                raise VerifyError(
                    f"change {change.change_id}: verify failed: {_first_line(exc)}; the change was rolled back"
                ) from None
            conn.execute("ROLLBACK TO SAVEPOINT lokdarpan_verify")
            bookkeeping.record_deploy(conn, self.plan, change, sums)
            return

        # autocommit: the statements one at a time, then verify and record in their own transactions
        self.run_statements(conn, change, "deploy", body)
        try:
            with conn.transaction(force_rollback=True):
                conn.execute(verify)
        except psycopg.Error as exc:
            self._revert_in_autocommit(conn, change, parse_script(change.read("revert"), str(change.script("revert"))))
            raise VerifyError(
                f"change {change.change_id}: verify failed: {_first_line(exc)}; the change was reverted"
            ) from None
        with conn.transaction():
            bookkeeping.record_deploy(conn, self.plan, change, sums)

    def run_statements(self, conn, change: Change, kind: str, body: str) -> None:
        """Run a non-transactional script on ``conn`` (autocommit), statement by statement, as psql
        does under sqitch: one that cannot run in a transaction (CREATE INDEX CONCURRENTLY, a CALL
        of a batched backfill) on its own, its NOTICEs shown as progress as they arrive; every
        other one in a transaction of its own under the lock ramp (run_with_ramp); a query ended by
        psql's \\gexec runs, and each cell of its result is then run the same way."""

        def progress(diag: psycopg.errors.Diagnostic) -> None:
            self.log(f"  {change.change_id}: {diag.message_primary}")

        def run_one(statement: str) -> None:
            if not runs_outside_transaction(statement):
                with conn.transaction():
                    self.run_with_ramp(conn, change, kind, statement)
                return
            conn.add_notice_handler(progress)
            try:
                conn.execute(statement)
            except psycopg.Error as exc:
                raise ChangeFailed(f"change {change.change_id}: {kind} failed: {_first_line(exc)}") from None
            finally:
                conn.remove_notice_handler(progress)

        for statement in split_statements(body):
            if not isinstance(statement, Gexec):
                run_one(statement)
                continue
            # psql's \gexec: the query's cells, row by row, are the statements (e.g. one
            # concurrent index build per partition, generated from the catalog)
            try:
                generated = [cell for row in conn.execute(statement).fetchall() for cell in row if cell is not None]
            except psycopg.Error as exc:
                raise ChangeFailed(f"change {change.change_id}: {kind} failed: {_first_line(exc)}") from None
            self.log(f"  {change.change_id}: \\gexec: {len(generated)} statement(s)")
            for i, generated_statement in enumerate(generated, 1):
                self.log(f"  {change.change_id}: [{i}/{len(generated)}] {' '.join(generated_statement.split())[:100]}")
                run_one(generated_statement)

    def revert_change(self, conn, change: Change, transactional: bool) -> None:
        """Revert one change on ``conn`` and forget it."""
        revert = parse_script(change.read("revert"), str(change.script("revert")))
        if transactional:
            self.run_with_ramp(conn, change, "revert", revert.body)
            bookkeeping.record_revert(conn, change)
            return
        self._revert_in_autocommit(conn, change, revert)
        with conn.transaction():
            bookkeeping.record_revert(conn, change)

    def _revert_in_autocommit(self, conn, change: Change, revert: Script) -> None:
        """The revert script of a change deployed outside a transaction: in one transaction under
        the ramp when it is transactional itself, else statement by statement."""
        if revert.transactional:
            with conn.transaction():
                self.run_with_ramp(conn, change, "revert", revert.body)
        else:
            self.run_statements(conn, change, "revert", revert.body)


class _PlanMigration(Migration):
    """A yoyo migration built from one plan change instead of a file in a directory."""

    def __init__(self, change: Change, deployer: Deployer):
        super().__init__(change.change_id, str(change.script("deploy")), str(change.top_dir))
        self.change = change
        self.deployer = deployer

    @property
    def depends(self) -> set:
        """Plan order is the deploy order: yoyo sees no dependencies."""
        return set()

    def load(self):
        if self.loaded:
            return
        script = parse_script(self.change.read("deploy"), str(self.change.script("deploy")))
        self.use_transactions = script.transactional
        collector = StepCollector(migration=self)
        tx = script.transactional
        collector.add_step(
            lambda conn: self.deployer.apply_change(conn, self.change, tx),
            lambda conn: self.deployer.revert_change(conn, self.change, tx),
        )
        self.steps = collector.create_steps(self.use_transactions)
