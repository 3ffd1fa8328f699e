"""The phases of an adoption: the quarantine preview of ``plan``, ``start`` (deploy, capture,
backfill, continuous apply, drain), ``status``, ``verify``, ``cutover``, ``rollback`` and
``finish``. SQL lives in the adopt module (sql/deploy/adopt/); this module drives it in short
transactions, every lock under the engine's lock ramp."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from ..errors import EXIT_HEALTH, LockTimeoutError, UserError
from ..migrations.data_guard import POST_ROLLUPS
from ..migrations.engine import LOCK_RAMP, RETRYABLE, Deployer, LockRamp, with_lock_ramp
from ..postgres.connect import connect, one
from . import legacy, lookup_index

EXAMPLES = 3
# the cutover and rollback switches keep trying for this long (each attempt that is not granted
# its locks costs the application at most one lock_timeout of the ramp: 200 ms)
SWITCH_BUDGET_S = 300.0
# legacy tables whose rows the rules classify each on its own (no rule reads another legacy row of
# the table), so their backfill runs on several connections (adopt.backfill_chunk)
CHUNKED = ("post", "alert")

# what a table's backfill fills, analyzed before its continuous apply goes on: autovacuum's
# analyze lags behind a backfill and never analyzes a partitioned parent (core.post), and the
# synchronous apply's statements planned on the pre-backfill statistics took 0.3 s per legacy
# INSERT and 1.5-2.5 s per legacy UPDATE of a post right after a 1,000,000-post backfill
FILLED = {
    "user": ("core.app_user",),
    "author": ("core.author",),
    "epaper": ("core.epaper",),
    "post": ("core.post", "core.post_fingerprint", *POST_ROLLUPS),
    "alert": ("core.alert",),
}
# adopt start --jobs by default: both cores of the machines this is measured on (ingest's workers
# use as many); --max-rate or --jobs 1 leave the application more
START_JOBS = 2
# adopt start --batch-size by default: ingest's batch. A post batch's fixed costs (the statement
# triggers' rollup upserts, one per (ward, hour) and (ward, day, party) group it touches, and the
# source query's label lookups) spread over 4x the rows of the earlier 5,000: at 1,000,000 posts
# with shared_buffers at 64 MB (core's indexes beyond the cache, as at 10,000,000 with 512 MB)
# the backfill's server time fell from 342 to 282 s, its rollup triggers' from 124 to 79 s
# (ingest's: 77 s). The price: a batch transaction is ~4 times longer (seconds), and a SIGKILL
# loses at most that batch's work (it is redone on resume).
START_BATCH = 20_000
# a parallel backfill's chunks per connection: a connection that finishes early takes another
CHUNKS_PER_JOB = 4
# a batch that lost a lock conflict with another chunk connection is retried this many times
CHUNK_RETRIES = 20


@dataclass
class PreviewRow:
    """How many rows of a legacy table the rules would quarantine for one reason, with examples."""

    table: str
    reason: str
    rows: int
    examples: list[str]


@dataclass
class TableProgress:
    """Rows of one legacy table copied, adopted and quarantined by one `adopt start`."""

    table: str
    rows: int = 0
    adopted: int = 0
    quarantined: int = 0


@dataclass
class StatusRow:
    """One line of `adopt status`: a legacy table's phase, counts, capture backlog and its age."""

    table: str
    phase: str
    legacy_rows: int
    adopted: int
    quarantined: int
    remaining: int
    backlog: int
    backlog_age_s: float | None


@dataclass
class VerifyResult:
    """The result of `adopt verify`: per-table counts and every row that differs."""

    rows: list[tuple[str, int, int, int, int, int]]  # table, legacy, adopted, quarantined, pending, differences
    differences: list[tuple[str, int, str]] = field(default_factory=list)
    # posts per (ward, month): ward, month, legacy, adopted, quarantined, pending, differs
    ward_months: list[tuple] = field(default_factory=list)

    @property
    def month_differences(self) -> list[tuple]:
        """The (ward, month) groups whose counts or checksums differ."""
        return [g for g in self.ward_months if g[6]]

    @property
    def ok(self) -> bool:
        """Whether no legacy row differs from its adopted or quarantined copy, nor any (ward, month) group."""
        return not self.differences and not self.month_differences


def deployed(conn) -> bool:
    """The adopt module is deployed (its newest change's function exists)."""
    return conn.execute("select to_regprocedure('adopt.differences(text)')").fetchone()[0] is not None


def started(conn) -> bool:
    """Capture is installed on at least one legacy table."""
    return deployed(conn) and conn.execute("select exists (select 1 from adopt.table_state)").fetchone()[0]


def check_timezone(conn, tz: str) -> None:
    """Refuse an unknown --legacy-timezone (naive legacy timestamps are read in it)."""
    if (
        conn.execute("select count(*) from pg_timezone_names where name = %s", [tz]).fetchone()[0] == 0
        and tz.upper() != "UTC"
    ):
        raise UserError(f"--legacy-timezone {tz!r} is not a time zone the server knows (pg_timezone_names)")


def preview(conn, schema: str, tz: str, tables: list[str]) -> list[PreviewRow]:
    """The rows the rules would quarantine, by table and reason, with a few example ids and labels.
    Runs the same source query as the backfill, reading only."""
    out = []
    for t in tables:
        q = conn.execute("select adopt.source_sql(%s, %s, %s, 'true', true)", [t, schema, tz]).fetchone()[0]
        for reason, n, examples in conn.execute(
            sql.SQL(
                "select s.reason, count(*), (array_agg(s.legacy_id::text || ' ' || left(coalesce(s.legacy ->> {}, "
                "'NULL'), 40) order by s.legacy_id))[1:{}] from ({}) s where s.reason is not null "
                "group by s.reason order by 2 desc, 1"
            ).format(sql.Literal(_label_column(t)), sql.Literal(EXAMPLES), sql.SQL(q))
        ):
            out.append(PreviewRow(t, reason, n, list(examples)))
    return out


def _label_column(table: str) -> str:
    return {"user": "username", "author": "name", "epaper": "publication_name", "post": "city", "alert": "ward"}[table]


def plan(url: str, schema: str, tz: str) -> tuple[legacy.Survey, list[PreviewRow] | None]:
    """Everything ``adopt plan`` reports, in one read-only transaction: nothing is written, our
    bookkeeping included. The preview needs the adopt module deployed (None otherwise)."""
    with connect(url) as conn:
        conn.read_only = True
        if not legacy.schema_exists(conn, schema):
            raise UserError(f"schema {schema!r} does not exist in this database (--legacy-schema)")
        check_timezone(conn, tz)
        survey = legacy.survey(conn, schema, tz)
        rows = preview(conn, schema, tz, [t.name for t in survey.tables]) if deployed(conn) else None
        conn.rollback()
    return survey, rows


def _with_lock_ramp(conn, statement: str, params: list, what: str, log: Callable[[str], None]) -> object:
    """Run one statement in autocommit in short attempts with the engine's lock ramp (see
    ``migrations.engine.LockRamp``): a lock not granted in time or a deadlock is retried after a
    pause, so the application never queues behind a waiting lock for longer than one attempt.
    Returns the first column of its single row."""
    return _ramp_rows(conn, statement, params, what, log)[0][0]


def _ramp_rows(
    conn,
    statement: str,
    params: list,
    what: str,
    log: Callable[[str], None],
    timing: dict | None = None,
    ramp: LockRamp | None = None,
    before: Callable[[], object] | None = None,
) -> list[tuple]:
    """``_with_lock_ramp`` for a statement returning any number of rows (all of them). With
    ``timing``, records there the seconds of the attempt that succeeded (``"switch_s"``: how long
    its locks were held) and the number of attempts (``"attempts"``). ``before`` runs before each
    attempt, in its own transactions (rollback carries what was written meanwhile)."""

    def attempt(timeout_ms: int) -> list[tuple]:
        if before is not None:
            before()
        conn.execute(f"set lock_timeout = '{int(timeout_ms)}ms'")
        a0 = time.monotonic()
        try:
            cur = conn.execute(statement, params)
            rows = cur.fetchall() if cur.description is not None else []
            if timing is not None:
                timing["switch_s"] = time.monotonic() - a0
            return rows
        finally:
            if timing is not None:
                timing["attempts"] = timing.get("attempts", 0) + 1
            conn.execute("reset lock_timeout")

    return with_lock_ramp(
        (ramp or LOCK_RAMP).attempts(),
        attempt,
        lambda happened: log(f"  {what}: {happened}, retrying"),
        give_up=lambda n, _seconds, exc: LockTimeoutError(
            f"{what}: the table lock was not granted after {n} attempts ({getattr(exc, 'sqlstate', '')})"
        ),
    )


def start(
    url: str,
    schema: str,
    tz: str,
    *,
    project_dir,
    batch_size: int = START_BATCH,
    max_rate: float | None = None,
    jobs: int = START_JOBS,
    log: Callable[[str], None] = lambda m: None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[TableProgress]:
    """Deploy the plan if needed, install capture on every legacy table (before any copying),
    backfill each table in key order in batches (one transaction each, resumable; posts and alerts
    on ``jobs`` connections, each copying chunks of ids in key order), then drain the capture
    backlog. Returns what this run copied per table."""
    if batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    if max_rate is not None and max_rate <= 0:
        raise UserError("--max-rate must be positive")
    if jobs < 1:
        raise UserError("--jobs must be at least 1")
    with connect(url, autocommit=True) as conn:
        if not legacy.schema_exists(conn, schema):
            raise UserError(f"schema {schema!r} does not exist in this database (--legacy-schema)")
        check_timezone(conn, tz)
        tables = legacy.legacy_tables(conn, schema)
    if not tables:
        raise UserError(f"no legacy table ({', '.join(legacy.TABLES)}) in schema {schema!r}")
    Deployer(url, project_dir, log=log).deploy()
    done: list[TableProgress] = []
    with connect(url, autocommit=True) as conn:
        if cutover_phase(conn) == "cutover":
            raise UserError(
                "adoption is cut over: the legacy tables are in lokdarpan_legacy (adopt rollback, or adopt finish)"
            )
        for t in tables:
            row = conn.execute(
                "select legacy_schema, legacy_timezone from adopt.table_state where legacy_table = %s", [t]
            ).fetchone()
            if row and (row[0], row[1]) != (schema, tz):
                raise UserError(
                    f"adoption of {t} was started with --legacy-schema {row[0]} --legacy-timezone "
                    f"{row[1]}; continue with the same options"
                )
            if _with_lock_ramp(
                conn,
                "select adopt.install_capture(%s, %s, %s, %s::smallint)",
                [schema, t, tz, legacy.KEY_ORDER[t]],
                f"capture on {schema}.{t}",
                log,
            ):
                log(f"capture installed on {schema}.{t}")
        for t in tables:
            total = conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(schema, t))).fetchone()[0]
            prog = TableProgress(t)
            done.append(prog)
            copied = _copied(conn, t)
            report = _Report(prog, copied, total, progress)
            if t in CHUNKED:
                _backfill_chunks(url, conn, t, jobs, batch_size, max_rate, report, log)
            else:
                _backfill_serial(conn, t, batch_size, max_rate, report)
            _analyze_filled(conn, t, log, bookkeeping=t == tables[-1])
            # from now on every write to this table is applied in the writer's transaction
            if _with_lock_ramp(
                conn, "select adopt.install_apply(%s, %s)", [schema, t], f"continuous apply on {schema}.{t}", log
            ):
                log(f"continuous apply installed on {schema}.{t}")
            drain(conn)
    return done


def _analyze_filled(conn, table: str, log: Callable[[str], None], *, bookkeeping: bool) -> None:
    """ANALYZE what the backfill of legacy ``table`` filled (a sample per table; SHARE UPDATE
    EXCLUSIVE, which no application statement conflicts with); with ``bookkeeping`` (after the
    last table's backfill) adopt.mapping and adopt.quarantine too. Not before: statistics of a
    mapping without the next table's rows ('post' estimated at one row) made the plan that
    sync_source's backfill batches switch to after five calls scan every post mapping row per
    delete (26 s a statement, 55 s a batch, halfway through 1,000,000 posts)."""
    t0 = time.monotonic()
    names = [
        n
        for n in (*FILLED[table], *(("adopt.mapping", "adopt.quarantine") if bookkeeping else ()))
        if conn.execute("select to_regclass(%s)", [n]).fetchone()[0] is not None
    ]
    for n in names:
        conn.execute(sql.SQL("analyze {}").format(sql.Identifier(*n.split("."))))
    log(f"statistics refreshed after the backfill of {table}: {', '.join(names)} ({time.monotonic() - t0:.1f} s)")


def _copied(conn, table: str) -> int:
    """Legacy rows of ``table`` the backfill has accounted for (adopted or quarantined) so far."""
    return int(
        conn.execute(
            "select (select count(*) from adopt.mapping where legacy_table = %(t)s)"
            " + (select count(*) from adopt.quarantine where legacy_table = %(t)s)",
            {"t": table},
        ).fetchone()[0]
    )


@dataclass
class _Report:
    """One table's progress in this run, added to by every backfill connection (thread-safe)."""

    prog: TableProgress
    before: int
    total: int
    callback: Callable[[str, int, int], None] | None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, n: int, adopted: int, quarantined: int) -> None:
        with self.lock:
            self.prog.rows += n
            self.prog.adopted += adopted
            self.prog.quarantined += quarantined
            if self.callback:
                self.callback(self.prog.table, min(self.before + self.prog.rows, self.total), self.total)


def _pace(n: int, t0: float, max_rate: float | None) -> None:
    """Sleep what keeps ``n`` rows copied since ``t0`` at or under ``max_rate`` rows/s."""
    if max_rate and n:
        pause = n / max_rate - (time.monotonic() - t0)
        if pause > 0:
            time.sleep(pause)


def _backfill_serial(conn, table: str, batch_size: int, max_rate: float | None, report: _Report) -> None:
    """One connection, one batch after another in key order (adopt.backfill_batch)."""
    phase = conn.execute("select phase from adopt.table_state where legacy_table = %s", [table]).fetchone()[0]
    while phase != "synced":
        t0 = time.monotonic()
        n, adopted, quarantined, _last = one(
            conn.execute("select * from adopt.backfill_batch(%s, %s)", [table, batch_size])
        )
        report.add(n, adopted, quarantined)
        phase = conn.execute("select phase from adopt.table_state where legacy_table = %s", [table]).fetchone()[0]
        _pace(n, t0, max_rate)


def _backfill_chunks(
    url: str,
    conn,
    table: str,
    jobs: int,
    batch_size: int,
    max_rate: float | None,
    report: _Report,
    log: Callable[[str], None],
) -> None:
    """``jobs`` connections copying the table's chunks (adopt.plan_backfill_chunks: planned once,
    resumed as left by a killed run); each batch is one transaction that advances its chunk."""
    remaining = report.total - report.before
    chunks = max(1, min(jobs * CHUNKS_PER_JOB, -(-remaining // batch_size)))
    planned = conn.execute("select adopt.plan_backfill_chunks(%s, %s)", [table, chunks]).fetchone()[0]
    if not planned:
        _backfill_serial(conn, table, batch_size, max_rate, report)  # nothing (left) to cut: one short batch
        return
    log(f"backfill of {table}: {planned} chunks on {jobs} connection(s)")
    rate = max_rate / jobs if max_rate else None
    failed = threading.Event()  # one connection failed: the others stop after their batch

    def worker() -> None:
        try:
            with connect(url, autocommit=True) as c:
                _chunk_loop(c)
        except BaseException:
            failed.set()
            raise

    def _chunk_loop(c) -> None:
        failures = 0
        while not failed.is_set():
            t0 = time.monotonic()
            try:
                chunk, n, adopted, quarantined, _last, _left = one(
                    c.execute("select * from adopt.backfill_chunk_batch(%s, %s)", [table, batch_size])
                )
            except RETRYABLE as exc:
                failures += 1
                if failures > CHUNK_RETRIES:
                    raise
                log(f"  backfill of {table}: {exc.sqlstate} with another connection, retrying the batch")
                time.sleep(min(0.05 * failures, 1.0))
                continue
            failures = 0
            if chunk is None:
                return  # every chunk done (the table is synced) or held by another connection
            report.add(n, adopted, quarantined)
            _pace(n, t0, rate)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for f in [pool.submit(worker) for _ in range(jobs)]:
            f.result()
    # the last connection to finish marked the table synced; a call finds that out if none did
    one(conn.execute("select * from adopt.backfill_chunk_batch(%s, %s)", [table, batch_size]))


def cutover_phase(conn) -> str | None:
    """The phase recorded by cutover/rollback/finish (None before any cutover or without adopt/cutover)."""
    if conn.execute("select to_regclass('adopt.cutover_state')").fetchone()[0] is None:
        return None
    row = conn.execute("select phase from adopt.cutover_state").fetchone()
    return row[0] if row else None


@dataclass
class SwitchResult:
    """What ``cutover`` or ``rollback`` did: its messages and how long its locking transaction held."""

    messages: list[str]
    switch_s: float
    total_s: float
    attempts: int = 1


def _switch_ramp(lock_budget_s: float | None) -> LockRamp:
    """The engine's lock ramp with the switches' longer budget (``SWITCH_BUDGET_S`` by default)."""
    budget = SWITCH_BUDGET_S if lock_budget_s is None else lock_budget_s
    if budget <= 0:
        raise UserError("--lock-budget must be positive")
    return dataclasses.replace(LOCK_RAMP, budget_s=budget)


def cutover(
    url: str, *, log: Callable[[str], None] = lambda m: None, lock_budget_s: float | None = None
) -> SwitchResult:
    """Drain the backlog, build the compatibility views' lookup indexes concurrently
    (``lookup_index.build``), prepare the compatibility epaper table, then switch in one short
    transaction under the lock ramp (adopt.cutover_switch, retried for ``lock_budget_s``);
    afterwards rebuild the dependent materialized views over the compatibility objects and swap
    them in."""
    ramp = _switch_ramp(lock_budget_s)
    t0 = time.monotonic()
    with connect(url, autocommit=True) as conn:
        if not started(conn):
            raise UserError("adoption has not started in this database: run adopt start first")
        phase = cutover_phase(conn)
        if phase in ("cutover", "finished"):
            raise UserError(f"adoption is already {'cut over' if phase == 'cutover' else 'finished'}")
        behind = [
            r[0] for r in conn.execute("select legacy_table from adopt.table_state where phase <> 'synced' order by 1")
        ]
        if behind:
            raise UserError(f"the backfill of {', '.join(behind)} is not done: run adopt start first")
        applied = drain(conn)
        log(f"backlog drained ({applied} entries)")
        lookup_index.build(conn, lambda statement, what: _ramp_rows(conn, statement, [], what, log), log)
        # fresh statistics for the compatibility views' plans (how many mapping rows hold legacy
        # values, in which arm of a view: the lookup indexes' expressions, so after them): ANALYZE
        # reads a sample and blocks no writer
        conn.execute("analyze adopt.mapping")
        conn.execute("analyze adopt.quarantine")
        if _with_lock_ramp(conn, "select adopt.prepare_epaper()", [], "mirror trigger on epaper", log):
            n = conn.execute("select adopt.copy_epaper()").fetchone()[0]
            log(f"compatibility epaper table filled ({n} rows copied)")
        timing: dict = {}
        messages = [
            r[0] for r in _ramp_rows(conn, "select * from adopt.cutover_switch()", [], "cutover", log, timing, ramp)
        ]
        switch_s = timing["switch_s"]
        if timing["attempts"] > 1:
            messages.append(f"the switch was granted its locks at attempt {timing['attempts']}")
        for m in messages:
            log(m)
        for (name,) in conn.execute(
            "select name from adopt.dependent where kind = 'materialized view' order by name"
        ).fetchall():
            conn.execute("select adopt.matview_build(%s)", [name])
            _with_lock_ramp(conn, "select adopt.matview_swap(%s)", [name], f"swap of {name}", log)
            msg = (
                f"materialized view {name} rebuilt over the compatibility objects (the original is in lokdarpan_legacy)"
            )
            log(msg)
            messages.append(msg)
    return SwitchResult(messages, switch_s, time.monotonic() - t0, timing["attempts"])


CARRY_BATCH = 5000
CARRY_ROUNDS = 1000
CARRY_RETRIES = 5


def carry_back(conn, *, batch: int = CARRY_BATCH, log: Callable[[str], None] = lambda m: None) -> int:
    """Carry the rows written through the compatibility objects since cutover back into the moved
    legacy tables, ``batch`` logged ids per short transaction (adopt.rollback_carry), while the
    application keeps running: row locks only, nothing of the application's waits. Stops when a
    call carries fewer than ``batch`` (what is written meanwhile is left to the switch). A call
    that trips over a concurrent writer (a carried post whose new author is logged after it, a
    deadlock) is rolled back whole and retried. Returns the rows carried."""
    total, failed = 0, 0
    for _ in range(CARRY_ROUNDS):
        try:
            rows = conn.execute("select * from adopt.rollback_carry(%s)", [batch]).fetchall()
            failed = 0
        except (psycopg.errors.ForeignKeyViolation, *RETRYABLE) as exc:
            failed += 1
            if failed >= CARRY_RETRIES:
                # not a race: the switch carries everything at once and reports the error itself
                log(f"  carry back: {exc.sqlstate} {failed} times in a row; left to the switch")
                break
            log(f"  carry back: {exc.sqlstate} (a concurrent write), retrying")
            time.sleep(0.1)
            continue
        n = sum(d + c + i for _t, d, c, i in rows)
        total += n
        if n:
            log("  carried back: " + ", ".join(f"{t} {d} deleted / {c} changed / {i} inserted" for t, d, c, i in rows))
        if n < batch:
            break
    return total


def rollback(
    url: str, *, log: Callable[[str], None] = lambda m: None, lock_budget_s: float | None = None
) -> SwitchResult:
    """Until finish: carry the rows written since cutover back to the legacy tables while the
    application runs (``carry_back``), then put the legacy tables back under their names in one
    short transaction under the lock ramp (adopt.rollback_switch: ACCESS EXCLUSIVE on the
    compatibility objects alone, the last few rows carried, renames and swaps); then validate the
    restored foreign keys, refresh the dependent materialized views and drain the capture of the
    carried-back rows. The switch is retried for ``lock_budget_s`` (``SWITCH_BUDGET_S``)."""
    ramp = _switch_ramp(lock_budget_s)
    t0 = time.monotonic()
    with connect(url, autocommit=True) as conn:
        phase = cutover_phase(conn)
        if phase != "cutover":
            raise UserError(
                "nothing to roll back: adoption is not cut over"
                if phase != "finished"
                else "adoption is finished: rollback is no longer possible"
            )
        carried = [carry_back(conn, log=log)]

        def carry_more() -> None:
            # what the application wrote during the previous attempt and its pause: the switch
            # itself then carries only the last few rows
            carried.append(carry_back(conn, log=log))

        timing: dict = {}
        rows = _ramp_rows(
            conn, "select * from adopt.rollback_switch()", [], "rollback", log, timing, ramp, before=carry_more
        )
        messages = [f"{sum(carried)} row(s) written since cutover carried back before the switch"]
        log(messages[0])
        switched = [r[0] for r in rows]
        switch_s = timing["switch_s"]
        if timing["attempts"] > 1:
            switched.append(f"the switch was granted its locks at attempt {timing['attempts']}")
        for m in switched:
            log(m)
        messages += switched
        for name, table in conn.execute(
            "select name, extra from adopt.dependent where kind = 'foreign key' order by name"
        ).fetchall():
            conn.execute(sql.SQL("alter table {} validate constraint {}").format(sql.SQL(table), sql.Identifier(name)))
            messages.append(f"foreign key {name} on {table} restored and validated")
        for name, concurrently in conn.execute(
            "select d.name, exists (select 1 from pg_index x where x.indrelid = to_regclass(d.name) and x.indisunique)"
            " from adopt.dependent d where d.kind = 'materialized view' order by 1"
        ).fetchall():
            conn.execute(
                sql.SQL("refresh materialized view {}{}").format(
                    sql.SQL("concurrently " if concurrently else ""), sql.SQL(name)
                )
            )
            messages.append(f"materialized view {name} refreshed{' concurrently' if concurrently else ''}")
        drain(conn)
    return SwitchResult(messages, switch_s, time.monotonic() - t0, timing["attempts"])


def finish(url: str, *, drop_legacy: bool = False, log: Callable[[str], None] = lambda m: None) -> list[str]:
    """End the adoption after cutover: capture off the legacy tables; with ``drop_legacy`` drop
    schema lokdarpan_legacy, refused while any legacy row is unaccounted for."""
    with connect(url, autocommit=True) as conn:
        phase = cutover_phase(conn)
        if phase not in ("cutover", "finished"):
            raise UserError("finish needs a cutover first (adopt cutover)")
        if drop_legacy:
            missing = conn.execute("select legacy_table, n, example_ids from adopt.unaccounted()").fetchall()
            if missing:
                raise UserError(
                    "lokdarpan_legacy is kept: legacy rows unaccounted for: "
                    + "; ".join(f"{t}: {n} (ids {', '.join(map(str, ids))})" for t, n, ids in missing)
                )
        return [r[0] for r in _ramp_rows(conn, "select * from adopt.finish(%s)", [drop_legacy], "finish", log)]


# a drain transaction's target length: the application's writers of the table being applied wait
# for the transaction (its apply lock), so batches shrink until one takes about this long
DRAIN_TARGET_S = 0.1
DRAIN_FIRST_BATCH = 20


def drain(
    conn,
    limit: int = 500,
    rounds: int = 200,
    *,
    target_s: float = DRAIN_TARGET_S,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Apply the capture backlog until it is empty, one table per transaction
    (adopt.apply_capture_table): a table's apply lock is held until commit, and the application's
    writes to that table wait for it - never its writes to the others (applied in one
    transaction, a drain of ~370 carried-back posts kept e-paper and login writes waiting 0.47 s
    at 1,000,000 posts, 4.7 s at 10,000,000). Each table's batch starts at ``DRAIN_FIRST_BATCH``
    entries, halves after a transaction longer than ``target_s`` and doubles (up to ``limit``)
    after a full one under half of it, so a writer waits about ``target_s`` at most whatever one
    entry costs on this database; a table whose half batch took about as long (a fixed cost per
    call) goes back to the larger batch and is not halved again. A table a writer is applying to
    right now is skipped and retried after a short pause; gives up after ``rounds`` passes in a
    row that applied nothing. Returns entries applied. ``conn`` must be in autocommit mode."""
    if conn.execute("select to_regprocedure('adopt.apply_capture_table(text, integer)')").fetchone()[0] is None:
        raise UserError(
            "change adopt/apply_table is not deployed in this database: run lokdarpan-db deploy"
            " (it only adds a function: safe while the application runs), then this command again"
        )
    tables = [r[0] for r in conn.execute("select legacy_table from adopt.table_state order by key_order").fetchall()]
    batch = dict.fromkeys(tables, min(limit, DRAIN_FIRST_BATCH))
    last: dict[str, tuple[int, float]] = {}  # the batch and time of the table's previous full call
    fixed: set[str] = set()  # tables whose call costs the same whatever its batch: no more halving
    applied, idle = 0, 0
    while idle < rounds:
        done = 0
        for table in tables:
            size, t0 = batch[table], clock()
            row = conn.execute(
                "select coalesce(sum(n_entries), 0) from adopt.apply_capture_table(%s, %s)", [table, size]
            ).fetchone()
            n, took = int(row[0] or 0), clock() - t0
            prev = last.get(table)
            if n >= size:
                last[table] = (size, took)
            if n >= size and prev and prev[0] > size and took > 0.75 * prev[1]:
                # half the batch took about as long: the call's cost does not come from its rows
                # (a statement of it scans), so smaller batches only multiply it
                batch[table] = prev[0]
                fixed.add(table)
            elif took > target_s and table not in fixed:
                batch[table] = max(1, size // 2)
            elif n >= size and took < target_s / 2:
                batch[table] = min(limit, size * 2)
            done += n
        applied += done
        if not conn.execute("select exists (select 1 from adopt.capture)").fetchone()[0]:
            break
        idle = 0 if done else idle + 1
        if not done:
            time.sleep(0.05)
    return applied


def phase(url: str) -> str:
    """The adoption's phase in words: not started, backfilling, synced (continuous apply), cut
    over, rolled back (continuous apply again) or finished."""
    with connect(url, autocommit=True) as conn:
        if not started(conn):
            return "not started"
        p = cutover_phase(conn)
        if p == "cutover":
            return "cut over (the application uses the compatibility objects; adopt rollback possible)"
        if p == "finished":
            return "finished"
        behind = conn.execute("select count(*) from adopt.table_state where phase <> 'synced'").fetchone()[0]
        state = "backfilling" if behind else "synced: continuous apply"
        return state + (" (after a rollback)" if p == "rolled_back" else "")


def status(url: str) -> list[StatusRow]:
    """Where the adoption stands: per legacy table its phase, counts and capture backlog."""
    with connect(url) as conn:
        conn.read_only = True
        if not started(conn):
            raise UserError("adoption has not started in this database: run adopt plan, then adopt start")
        out = []
        for t, schema, phase, position, until in conn.execute(
            "select legacy_table, legacy_schema, phase, position, backfill_until from adopt.table_state"
            " order by key_order"
        ).fetchall():
            ident = sql.Identifier(schema, t)
            legacy_rows = conn.execute(sql.SQL("select count(*) from {}").format(ident)).fetchone()[0]
            if conn.execute(
                "select exists (select 1 from adopt.backfill_chunk where legacy_table = %s)", [t]
            ).fetchone()[0]:
                # a parallel backfill: what its chunks have not copied yet
                remaining = conn.execute(
                    sql.SQL(
                        "select count(*) from {} l join adopt.backfill_chunk c on c.legacy_table = %s and not c.done"
                        " and l.id > coalesce(c.position, c.lo) and l.id <= c.hi"
                    ).format(ident),
                    [t],
                ).fetchone()[0]
            else:
                remaining = conn.execute(
                    sql.SQL("select count(*) from {} where id > coalesce(%s, -1) and id <= coalesce(%s, id)").format(
                        ident
                    ),
                    [position, until],
                ).fetchone()[0]
            adopted = conn.execute("select count(*) from adopt.mapping where legacy_table = %s", [t]).fetchone()[0]
            quarantined = conn.execute("select count(*) from adopt.quarantine where legacy_table = %s", [t]).fetchone()[
                0
            ]
            backlog, age = one(
                conn.execute(
                    "select count(*), extract(epoch from clock_timestamp() - min(captured_at))::float8"
                    " from adopt.capture where legacy_table = %s",
                    [t],
                )
            )
            out.append(StatusRow(t, phase, legacy_rows, adopted, quarantined, remaining, backlog, age))
        conn.rollback()
    return out


def _verify_post_split(conn, url: str, jobs: int) -> list[tuple]:
    """adopt.verify_post over ``jobs`` ranges of legacy ids, each on its own connection, all at the
    snapshot of ``conn`` (exported to the others): the differences of every range, and the
    (ward, month) groups added up over the ranges (counts and checksums), as one call returns them."""
    schema = conn.execute("select legacy_schema from adopt.table_state where legacy_table = 'post'").fetchone()[0]
    lo, hi = conn.execute(sql.SQL("select min(id), max(id) from {}").format(sql.Identifier(schema, "post"))).fetchone()
    if lo is None or jobs < 2:
        return conn.execute("select * from adopt.verify_post()").fetchall()
    cuts = [None] + [lo + (hi - lo) * k // jobs for k in range(1, jobs)] + [None]
    snapshot = conn.execute("select pg_export_snapshot()").fetchone()[0]
    others = [connect(url) for _ in range(jobs - 1)]
    try:
        for c in others:
            c.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            c.read_only = True
            # the first statement of its transaction: from here it sees exactly what conn sees
            c.execute(sql.SQL("set transaction snapshot {}").format(sql.Literal(snapshot)))

        def one_range(c, after: int | None, upto: int | None) -> list[tuple]:
            return c.execute("select * from adopt.verify_post(%s, %s)", [after, upto]).fetchall()

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(one_range, c, cuts[k], cuts[k + 1]) for k, c in enumerate([conn, *others])]
            parts = [f.result() for f in futures]
    finally:
        for c in others:
            c.rollback()
            c.close()
    diffs = sorted((r for part in parts for r in part if r[0] is not None), key=lambda r: r[0])
    groups: dict[tuple, list] = {}
    for part in parts:
        for r in part:
            if r[0] is None:
                g = groups.setdefault((r[2], r[3]), [0, 0, 0, 0, 0, 0])
                for i, v in enumerate((r[4], r[5], r[6], r[7], r[9], r[10])):
                    g[i] += v
    merged = [
        (None, None, w, m, n, na, nq, pend, n - pend != na + nq or lh != ah, lh, ah)
        for (w, m), (n, na, nq, pend, lh, ah) in sorted(groups.items())
    ]
    return diffs + merged


def verify(url: str, *, jobs: int = 1) -> VerifyResult:
    """At one snapshot: per table, legacy rows = adopted + quarantined (pending capture counted
    apart), and the digests of the mapped columns equal, differences listed by id; then the
    same per (ward, month) of the posts, counts and checksums. The posts go through the source
    query once (adopt.verify_post: differences and groups from one pass), the other tables through
    adopt.differences; a database deployed before adopt.verify_post existed uses
    adopt.differences('post') and adopt.post_ward_months(). ``jobs`` > 1 splits the posts' id
    range over that many connections sharing this one's snapshot (pg_export_snapshot): the same
    result, from one instant, using that many cores."""
    if jobs < 1:
        raise UserError("--jobs must be at least 1")
    with connect(url) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        if not started(conn):
            raise UserError("adoption has not started in this database: run adopt start first")
        res = VerifyResult([])
        one_pass = conn.execute("select to_regprocedure('adopt.verify_post(bigint, bigint)')").fetchone()[0] is not None
        for t, schema in conn.execute(
            "select legacy_table, legacy_schema from adopt.table_state order by key_order"
        ).fetchall():
            legacy_rows = conn.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(schema, t))).fetchone()[
                0
            ]
            adopted = conn.execute("select count(*) from adopt.mapping where legacy_table = %s", [t]).fetchone()[0]
            quarantined = conn.execute("select count(*) from adopt.quarantine where legacy_table = %s", [t]).fetchone()[
                0
            ]
            pending = conn.execute(
                "select count(distinct legacy_id) from adopt.capture where legacy_table = %s", [t]
            ).fetchone()[0]
            if t == "post" and one_pass:
                # one pass over the posts gives both their differences and their (ward, month) groups
                out = _verify_post_split(conn, url, jobs)
                diffs = [(r[0], r[1]) for r in out if r[0] is not None]
                res.ward_months = [tuple(r[2:9]) for r in out if r[0] is None]
            else:
                diffs = conn.execute("select legacy_id, problem from adopt.differences(%s)", [t]).fetchall()
            res.rows.append((t, legacy_rows, adopted, quarantined, pending, len(diffs)))
            res.differences += [(t, i, p) for i, p in diffs]
        if not one_pass and conn.execute("select to_regprocedure('adopt.post_ward_months()')").fetchone()[0]:
            res.ward_months = [tuple(r) for r in conn.execute("select * from adopt.post_ward_months()")]
        conn.rollback()
    return res


VERIFY_FAILED = EXIT_HEALTH


def requeue(url: str, *, batch_size: int = 5000) -> list[TableProgress]:
    """Retry every quarantined row (after the DBA added ward aliases or fixed legacy rows), in key
    order, in batches of one transaction each. A row still refused stays quarantined, its reason
    refreshed; a batch a core constraint refuses is retried row by row."""
    if batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    out = []
    with connect(url, autocommit=True) as conn:
        if not started(conn):
            raise UserError("adoption has not started in this database: run adopt start first")
        for (t,) in conn.execute("select legacy_table from adopt.table_state order by key_order").fetchall():
            ids = [
                r[0]
                for r in conn.execute(
                    "select legacy_id from adopt.quarantine where legacy_table = %s order by legacy_id", [t]
                )
            ]
            prog = TableProgress(t)
            for i in range(0, len(ids), batch_size):
                chunk = ids[i : i + batch_size]
                try:
                    n, adopted, quarantined, _ = one(
                        conn.execute("select * from adopt.sync_rows(%s, %s, null, null)", [t, chunk])
                    )
                except psycopg.Error:
                    n = adopted = quarantined = 0
                    for single in chunk:
                        try:
                            r = conn.execute(
                                "select * from adopt.sync_rows(%s, %s, null, null)", [t, [single]]
                            ).fetchone()
                            n, adopted, quarantined = n + r[0], adopted + r[1], quarantined + r[2]
                        except psycopg.Error:
                            n, quarantined = n + 1, quarantined + 1  # left as it was
                prog.rows += n
                prog.adopted += adopted
                prog.quarantined += quarantined
            out.append(prog)
    return out
