"""Deploy and revert every change after core/post, one at a time, under live application traffic.

``--from @v1.0.0``: the upgrade a DBA runs instead. The posts are loaded at ``--load-at``, the plan is
deployed up to the tag without traffic, then every change after the tag is deployed and reverted
back to the tag under traffic (section ``live-N-from-v1.0.0``).

A new database gets the plan up to ``core/post`` (``--load-at`` another change), then ``--posts``
posts made as ``bench query`` makes them (generate_series inside the server, through the normal
insert path). With the live-traffic harness running (``--clients`` application clients at
``--rate`` statements/s each), every later change is deployed one at a time, then every change is
reverted one at a time back down to ``core/post``. Per change and direction: wall time, lock
retries of the engine's ramp, the locks the deploying backend held (pg_locks sampled every
``--sample-ms`` from a separate connection: mode, relation, how long seen held, how long seen
waiting), the longest application statement that overlapped it, and application errors. At the
end every write the application was told succeeded is looked up again. The table goes to
BENCHMARKS.md (section ``live-N``); the database is dropped unless ``--keep``.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from .. import console
from ..console import logger
from ..errors import UserError
from ..live.traffic import PREFIX, Traffic
from ..migrations.engine import Deployer, LockRamp
from ..migrations.plan import load_plan
from ..project import project_dir
from ..synthetic.bulk import generate_bulk
from .common import admin_url, db_url, drop_db, server_version
from .report import machine_description, write_section

STRENGTH = [
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
]
SHORT = {
    "AccessExclusiveLock": "ACCESS EXCL",
    "ExclusiveLock": "EXCL",
    "ShareRowExclusiveLock": "SHARE ROW EXCL",
    "ShareLock": "SHARE",
    "ShareUpdateExclusiveLock": "SHARE UPD EXCL",
    "RowExclusiveLock": "ROW EXCL",
    "RowShareLock": "ROW SHARE",
    "AccessShareLock": "ACCESS SHARE",
}
LOCKS = f"""
select l.mode, l.granted,
       n.nspname || '.' || c.relname as rel
  from pg_locks l
  join pg_stat_activity a on a.pid = l.pid
  join pg_class c on c.oid = l.relation
  join pg_namespace n on n.oid = c.relnamespace
 where l.locktype = 'relation' and l.database = (select oid from pg_database where datname = current_database())
   and a.backend_type = 'client backend' and a.pid <> pg_backend_pid()
   and a.application_name not like '{PREFIX}%%'
   and c.relkind in ('r', 'p', 'm') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
"""


def plan_target(plan, i: int) -> str:
    """A --to target naming exactly the i-th change of the plan (a reworked change's earlier
    occurrence is ``name@tag``: its bare name means the newest occurrence)."""
    c = plan.changes[i]
    if plan.index_of(c.change_id) == i:
        return c.change_id
    tag = min((t for t, ti in plan.tag_index.items() if ti >= i), key=lambda t: plan.tag_index[t])
    return f"{c.name}@{tag}"


@dataclass
class _Seen:
    held_first: float | None = None
    held_last: float = 0.0
    wait_first: float | None = None
    wait_last: float = 0.0


class LockSampler:
    """Samples the relation locks of every client backend of the database except the harness's
    (the engine's connections) every ``interval`` seconds, from its own connection."""

    def __init__(self, url: str, interval: float = 0.02):
        self.url, self.interval = url, interval
        self.seen: dict[tuple[str, str], _Seen] = defaultdict(_Seen)
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="lock-sampler")
        self._conn = psycopg.connect(url, autocommit=True, application_name=f"{PREFIX}-locks")
        self._conn.execute("set statement_timeout = 5000")

    def __enter__(self) -> LockSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(10)
        self._conn.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                rows = self._conn.execute(LOCKS).fetchall()
            except psycopg.Error:
                rows = []
            now = time.monotonic()
            self.samples += 1
            for mode, granted, rel in rows:
                s = self.seen[(mode, rel)]
                if granted:
                    s.held_first = now if s.held_first is None else s.held_first
                    s.held_last = now
                else:
                    s.wait_first = now if s.wait_first is None else s.wait_first
                    s.wait_last = now
            self._stop.wait(self.interval)

    def summary(self, limit: int = 4) -> str:
        """The strongest locks seen, ``MODE relation held ms [waited ms]``, strongest first; locks
        weaker than SHARE UPDATE EXCLUSIVE (reads and row writes) are only counted."""
        step = self.interval * 1000
        items, weak = [], 0
        for (mode, rel), s in self.seen.items():
            if STRENGTH.index(mode) < STRENGTH.index("ShareUpdateExclusiveLock"):
                weak += 1
                continue
            held = (s.held_last - s.held_first) * 1000 + step if s.held_first is not None else 0.0
            waited = (s.wait_last - s.wait_first) * 1000 + step if s.wait_first is not None else 0.0
            items.append((STRENGTH.index(mode), held, mode, rel, waited))
        items.sort(key=lambda x: (-x[0], -x[1]))
        out = [f"{SHORT[m]} {r} {h:.0f}" + (f" (waited {w:.0f})" if w else "") for _, h, m, r, w in items[:limit]]
        if len(items) > limit:
            out.append(f"+{len(items) - limit} more")
        if weak:
            out.append(f"{weak} weaker")
        return "; ".join(out) or "none seen"


# the application's statements that write core.post (what a SHARE or SHARE ROW EXCLUSIVE on it holds back)
POST_WRITERS = ("post_insert", "post_batch", "ingest_batch")


@dataclass
class StepRow:
    """One deploy or revert step of the walk: its time, locks, longest application wait and errors."""

    change: str
    direction: str
    seconds: float
    retries: int
    locks: str
    wait_ms: float
    wait_kind: str
    statements: int
    errors: list = field(default_factory=list)
    failed: str | None = None
    at: float = 0.0
    write_ms: float = 0.0  # the longest statement writing core.post


def add_arguments(p) -> None:
    """Add the options of ``bench live``."""
    p.add_argument("--posts", type=int, default=1_000_000)
    p.add_argument("--clients", type=int, default=4, help="application clients (default 4)")
    p.add_argument("--rate", type=float, default=10.0, help="statements per second per client (default 10)")
    p.add_argument(
        "--load-at",
        default="core/post@v1.0.0",
        metavar="CHANGE",
        help="deploy up to this change before loading the posts (default core/post@v1.0.0, the change "
        "that creates core.post; plain core/post names its latest rework)",
    )
    p.add_argument(
        "--last", default=None, metavar="CHANGE", help="walk up to this change only (default: the end of the plan)"
    )
    p.add_argument(
        "--from",
        dest="from_target",
        default=None,
        metavar="TAG",
        help="the upgrade a DBA runs: the database is at TAG (e.g. @v1.0.0) holding the posts (loaded at "
        "--load-at, then the plan deployed up to TAG without traffic); the walk deploys every later change "
        "and reverts them back to TAG, under traffic",
    )
    p.add_argument("--sample-ms", type=float, default=20.0, help="pg_locks sampling interval (default 20)")
    p.add_argument(
        "--lock-budget",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="the lock ramp's budget per change (default 60)",
    )
    p.add_argument(
        "--spare-ward",
        action="append",
        default=[],
        metavar="WARD",
        help="keep the application traffic away from this ward (repeatable); today's verify scripts "
        "compare counts of ward Kapra and fail under concurrent Kapra posts",
    )
    p.add_argument(
        "--bulk",
        action="store_true",
        help="load the posts with the bulk generator of `bench query --jobs` (straight into the partitions, "
        "derived tables built exactly, drift checks over the last 7 days): minutes instead of an hour at "
        "10,000,000; needs --load-at @v1.0.0 or later (it fills the rollups, ward_author and the fingerprint key)",
    )
    p.add_argument("--jobs", type=int, default=2, help="with --bulk: months generated at a time (default 2)")
    p.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    p.add_argument("--out", default=None)


def _step(engine: Deployer, traffic: Traffic, url: str, sample_ms: float, change: str, direction: str, fn) -> StepRow:
    retries = engine.lock_retries
    failed = None
    with LockSampler(url, sample_ms / 1000) as sampler:
        t0 = time.monotonic()
        try:
            fn()
        except UserError as exc:
            failed = str(exc).splitlines()[0]
        t1 = time.monotonic()
    time.sleep(0.05)  # statements in flight at the end complete inside the window
    stats = traffic.window(t0, time.monotonic())
    worst = max(stats.values(), key=lambda k: k.max_ms, default=None)
    return StepRow(
        change,
        direction,
        t1 - t0,
        engine.lock_retries - retries,
        sampler.summary(),
        worst.max_ms if worst else 0.0,
        worst.kind if worst else "",
        sum(k.count for k in stats.values()),
        traffic.errors_between(t0, time.monotonic()),
        failed,
        t0 - traffic.t0,
        max((k.max_ms for k in stats.values() if k.kind in POST_WRITERS), default=0.0),
    )


def run(args) -> int:
    """Deploy and revert every change after core/post one at a time under application traffic."""
    log = logger(getattr(args, "quiet", False))
    root = project_dir(args.project_dir)
    admin = admin_url(args)
    plan = load_plan(root)
    base = plan.index_of("core/post@v1.0.0")  # the change that creates core.post
    load_at = plan.index_of(args.load_at)
    last = len(plan.changes) - 1 if args.last is None else plan.index_of(args.last)
    if load_at < base:
        raise UserError(f"--load-at {args.load_at} comes before core/post: there is no core.post to load")
    from_target = getattr(args, "from_target", None)
    start = load_at
    if from_target is not None:
        start = plan.index_of(from_target)
        if start < load_at:
            raise UserError(f"--from {from_target} comes before --load-at {args.load_at}")
        if start >= len(plan.changes) - 1:
            raise UserError(f"--from {from_target}: no change after it to deploy")
        base = start  # the walk reverts back to the tag, not to core/post
    if last <= start:
        raise UserError(f"--last {args.last} does not come after {plan.changes[start].change_id}")
    bulk = getattr(args, "bulk", False)
    if bulk and load_at < plan.index_of("@v1.0.0"):
        raise UserError(
            f"--bulk needs --load-at @v1.0.0 or later (the bulk generator fills the tables of the whole "
            f"v1.0.0 plan), got --load-at {args.load_at}"
        )
    name = f"ld_bench_live_{datetime.now(UTC):%H%M%S}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    url = db_url(admin, name)
    rows: list[StepRow] = []
    try:
        engine = Deployer(url, root, log=lambda m: log(f"  {m}"), lock_ramp=LockRamp(budget_s=args.lock_budget))
        log(f"deploying up to {plan.changes[load_at].change_id} into {name}")
        engine.deploy(plan_target(plan, load_at))
        from .query import generate

        now = datetime.now(UTC)
        log(f"generating {args.posts:,} posts" + (" (bulk)" if bulk else ""))
        if bulk:
            report = generate_bulk(url, args.posts, now, log, jobs=args.jobs, check_since=now - timedelta(days=7))
            gen_s = report.seconds
        else:
            gen_s = generate(url, args.posts, now, log)
        upgrade_s = 0.0
        if start > load_at:
            log(f"deploying up to {plan.changes[start].change_id} ({from_target}) onto the posts, without traffic")
            t = time.monotonic()
            engine.deploy(plan_target(plan, start))
            upgrade_s = time.monotonic() - t
        traffic = Traffic(
            url,
            clients=args.clients,
            rate=args.rate,
            duration=6 * 3600,
            statement_timeout_ms=30_000,
            spare_wards=tuple(args.spare_ward),
        )
        traffic.start()
        time.sleep(5)  # the application alone: the machine's noise
        quiet = traffic.window(traffic.t0, time.monotonic())
        load_before = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
        top = start
        for i in range(start + 1, last + 1):
            cid = plan.changes[i].change_id
            log(f"deploy {cid}")
            row = _step(
                engine, traffic, url, args.sample_ms, cid, "deploy", lambda i=i: engine.deploy(plan_target(plan, i))
            )
            rows.append(row)
            if row.failed:
                log(f"  failed: {row.failed}")
                break
            top = i
        # drop_data: the walk's database is a benchmark's, and the traffic writes into tables
        # the walk's changes created (ingest batches, alerts), which a revert would refuse to drop
        for i in range(top, base, -1):
            cid = plan.changes[i].change_id
            log(f"revert {cid}")
            row = _step(
                engine,
                traffic,
                url,
                args.sample_ms,
                cid,
                "revert",
                lambda i=i: engine.revert(plan_target(plan, i - 1), drop_data=True),
            )
            rows.append(row)
            if row.failed:
                log(f"  failed: {row.failed}")
                break
        result = traffic.stop()
        missing = traffic.missing_writes()
        load_after = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
        version = server_version(url)
    finally:
        if args.keep:
            log(f"kept database {name}")
        else:
            drop_db(admin, name)
    qmax = max(quiet.values(), key=lambda k: k.max_ms, default=None)
    qp99 = max((k.p99_ms for k in quiet.values()), default=float("nan"))
    errors = [e for r in rows for e in r.errors]
    app = [e for e in errors if not e.vanished]
    lines = [
        f"Machine: {machine_description()}; PostgreSQL {version}; load average {' '.join(load_before)} at the "
        f"start of the walk, {' '.join(load_after)} at the end (the 2 cores are shared with other work: "
        "single waits of tens of ms happen with nothing deploying).",
        f"{args.posts:,} posts loaded at `{plan.changes[load_at].change_id}` in {gen_s:.0f} s"
        + (" by the bulk generator (drift checks over the last 7 days clean)" if bulk else "")
        + (
            f", the plan deployed up to `{from_target}` (`{plan.changes[start].change_id}`) onto them in "
            f"{upgrade_s:.0f} s without traffic (the database a DBA upgrades); the walk deploys every change "
            f"after it and reverts them back to `{from_target}`"
            if start > load_at
            else ""
        )
        + "; then "
        f"{args.clients} application clients x {args.rate:g} statements/s (the harness's mix: ward API once "
        "deployed, feed reads, single and batched inserts, ingest batches, alert updates"
        + (f"; wards spared: {', '.join(args.spare_ward)}" if args.spare_ward else "")
        + "). With nothing "
        f"deploying (5 s): worst p99 of a statement kind {qp99:.0f} ms, longest "
        f"{qmax.max_ms if qmax else 0:.0f} ms ({qmax.kind if qmax else ''}).",
        f"Application: {sum(k.count for k in result.kinds.values()):,} statements, {len(app)} failed, "
        f"{len(errors) - len(app)} raced a revert that removed what they call; acknowledged writes "
        f"{result.posts_acked:,} posts + {result.alerts_acked} alerts, **{len(missing)} missing** afterwards.",
        "",
        "Locks: the deploying backend's locks on relations other sessions can see (relations the change "
        f"creates are invisible to them and left out), sampled every {args.sample_ms:g} ms: ms from the first to "
        "the last sample that saw it held, across the ramp's attempts; `waited` = seen queued; tables only (their "
        "indexes and sequences go with them); weaker than SHARE UPDATE EXCLUSIVE only counted. `at s` = when the "
        "step started, seconds into the traffic. A batched step (`analytics/rollup_backfill_run`) takes and releases "
        "its lock once a batch: its `held` spans the first to the last batch, not one hold; what one batch holds back "
        "shows in `longest write to core.post` (the application's inserts, batches and ingest batches).",
        "",
        "| change | direction | at s | wall s | lock retries | locks held (ms) | longest app wait ms | by | "
        "longest write to core.post ms | app errors |",
        "|---|---|---:|---:|---:|---|---:|---|---:|---:|",
    ]
    for r in rows:
        n_app = sum(1 for e in r.errors if not e.vanished)
        status = f" **failed: {r.failed}**" if r.failed else ""
        raced = len(r.errors) - n_app
        lines.append(
            f"| {r.change} | {r.direction}{status} | {r.at:.0f} | {r.seconds:.2f} | {r.retries} | {r.locks} | "
            f"{r.wait_ms:.0f} | {r.wait_kind} | {r.write_ms:.0f} | {n_app}"
            + (f" (+{raced} raced a revert)" if raced else "")
            + " |"
        )
    if app:
        lines += ["", "Application errors (first 10):", ""]
        lines += [f"* {e.kind} at {e.at:.1f} s ({e.wall}): [{e.sqlstate}] {e.message}" for e in app[:10]]
    if missing:
        lines += ["", "Missing writes (first 10): " + "; ".join(missing[:10])]
    lines += ["", "Per statement kind over the whole walk:", "", result.table()]
    out = Path(args.out) if args.out else root / "BENCHMARKS.md"
    if from_target is not None:
        key, title = (
            f"live-{args.posts}-from-{from_target.lstrip('@').replace('/', '-')}",
            f"## Upgrade from {from_target} and back under traffic at {args.posts:,} posts "
            f"(`lokdarpan-db bench live --from {from_target}`)",
        )
    else:
        key, title = (
            f"live-{args.posts}",
            f"## Deploy and revert under traffic at {args.posts:,} posts (`lokdarpan-db bench live`)",
        )
    write_section(out, key, title + "\n\n" + "\n".join(lines))
    console.out("\n".join(lines))
    return 1 if any(r.failed for r in rows) or app or missing else 0
