"""Adoption under the legacy application's traffic: backfill rows/s of adopt start vs ingest of
the same rows, the application's latency during the backfill vs the same traffic on the idle
legacy database, the longest application statement during cutover and rollback, verify time.

For each size (default 1,000,000) the demo generator's JSON Lines file (shared with bench ingest,
cached under /tmp) is loaded into the legacy application's tables (public."user", author,
epaper, post, alert with serial ids; post.created_at timestamptz, a variant the application's
migration chain builds) in a fresh copy of the deployed database. With ``--write-rate`` and
``--read-rate`` > 0, ``live.legacy.LegacyTraffic`` sends the application's statements (writes:
e-paper ingestion, batched inserts, logins, alerts, post edits; reads: the ward feed, GROUP BY
epaper.id, counts) for ``--idle-seconds`` on the idle legacy database (the floor), then during
``adopt start``, ``adopt verify``, ``adopt cutover``, ``--compat-seconds`` through the
compatibility objects and ``adopt rollback``; every error and every acknowledged write not
readable afterwards is reported. The same file is then ingested into another fresh copy by
bench ingest's child process for the comparison.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..adopt import run as adopt_run
from ..console import logger
from ..errors import LockTimeoutError, UserError
from ..ingest.read import read_batches
from ..live.legacy import WRITE_KINDS, LegacyTraffic
from ..live.traffic import quantile
from ..postgres.connect import connect
from ..project import project_dir
from .common import admin_url, drop_db, fresh_db, server_version, ward_names
from .ingest import START, data_file, run_once
from .report import machine_description, write_section

LEGACY = """
create table public.author (id serial primary key, name varchar(120) not null unique, party varchar(64));
create table public.post (id serial primary key, text text not null, author_id integer references public.author (id),
                          city varchar(120), emotion varchar(64), party varchar(64), created_at timestamptz not null,
                          epaper_id integer);
create index ix_post_created_at on public.post (created_at);
create index ix_post_epaper_id on public.post (epaper_id);
create table public."user" (id serial primary key, username varchar(80) not null unique, email varchar(120) not null unique,
                            password_hash varchar(256) not null, created_at timestamp not null, last_login timestamp,
                            is_active boolean not null, failed_login_attempts integer not null, last_failed_login timestamp);
insert into public."user" (username, email, password_hash, created_at, is_active, failed_login_attempts)
values ('analyst', 'analyst@lokdarpan.in', 'scrypt:32768:8:1$abcdefgh$0123456789abcdef', '2024-01-01', true, 0);
create table public.epaper (id serial primary key, publication_name varchar(100) not null, publication_date date not null,
                            raw_text text not null, created_at timestamp, sha256 varchar(64) not null unique);
create table public.alert (id serial primary key, ward varchar(120), description varchar(512), severity varchar(32),
                           opportunities text, threats text, actionable_alerts text, source_articles text,
                           created_at timestamp not null, updated_at timestamp not null);
"""


def load_legacy(url: str, path: Path, log) -> int:
    """The file's posts as legacy rows (authors first); returns the number of posts."""
    n = 0
    with connect(url) as conn:
        conn.execute(LEGACY)
        conn.execute(
            "create temp table stage (text text, author text, city text, emotion text, party text,"
            " created_at timestamptz)"
        )
        with conn.cursor() as cur, cur.copy("copy stage from stdin") as copy:
            for batch in read_batches(path, "posts", 50_000):
                for _, text, author, city, emotion, party, ts, _epaper, _fp in batch.rows:
                    copy.write_row((text, author.strip() if author else None, city, emotion, party, ts))
                    n += 1
        conn.execute(
            "insert into public.author (name) select distinct author from stage where author is not null order by 1"
        )
        conn.execute(
            "insert into public.post (text, author_id, city, emotion, party, created_at)"
            " select s.text, a.id, s.city, s.emotion, s.party, s.created_at from stage s"
            " left join public.author a on a.name = s.author"
        )
        conn.commit()
        conn.execute("analyze public.post")
    log(f"loaded {n:,} legacy posts")
    return n


def add_arguments(p) -> None:
    """Add the options of ``bench adopt``."""
    p.add_argument("--posts", default="1000000", help="comma-separated post counts (default 1,000,000)")
    p.add_argument("--runs", type=int, default=1, help="runs per size (median reported)")
    p.add_argument(
        "--batch-size",
        type=int,
        default=adopt_run.START_BATCH,
        help=f"adopt start --batch-size (default {adopt_run.START_BATCH})",
    )
    p.add_argument(
        "--jobs", type=int, default=adopt_run.START_JOBS, help=f"adopt start --jobs (default {adopt_run.START_JOBS})"
    )
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="ingest workers for the comparison")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--write-rate", type=float, default=20, help="legacy application writes/s (0: no traffic)")
    p.add_argument("--read-rate", type=float, default=50, help="legacy application reads/s")
    p.add_argument(
        "--traffic-during",
        choices=("all", "switch"),
        default="all",
        help="all: the legacy traffic from before the backfill to after rollback (default); switch: only "
        "from after verify, around cutover and rollback (the switches at a scale where the backfill under "
        "traffic would take hours)",
    )
    p.add_argument("--idle-seconds", type=float, default=30, help="traffic on the idle legacy database (the floor)")
    p.add_argument("--compat-seconds", type=float, default=20, help="traffic through the compatibility objects")
    p.add_argument("--out", default=None, help="BENCHMARKS.md path (default: the project's)")
    p.add_argument("--verify-jobs", type=int, default=1, help="adopt verify --jobs (connections on one snapshot)")
    p.add_argument(
        "--section",
        default="adopt",
        help="the BENCHMARKS.md section written (default adopt; e.g. adopt_200k keeps a smaller run apart from it)",
    )


def run(args) -> int:
    """Backfill N legacy posts with `adopt start` and compare with ingest of the same rows."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", args.section):
        raise UserError(f"--section {args.section!r}: letters, digits, _ and - only (it names a BENCHMARKS.md block)")
    log = logger(args.quiet)
    admin = admin_url(args)
    root = project_dir(args.project_dir)
    wards = ward_names(admin, root, log)
    traffic_on = args.write_rate > 0 or args.read_rate > 0
    lines = [
        f"Machine: {machine_description()}; PostgreSQL {server_version(admin)}; adopt batch size "
        f"{args.batch_size} on {args.jobs} connection(s), verify on {args.verify_jobs} connection(s), ingest {args.workers} workers; median of {args.runs} run(s); load average "
        f"{os.getloadavg()[0]:.2f} at the start; legacy traffic {args.write_rate:g} writes/s + {args.read_rate:g} "
        f"reads/s{_traffic_span(args) if traffic_on else ''}; measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        "| posts | backfill s | backfill rows/s | adopted | quarantined | verify s | ingest s | ingest rows/s "
        "| backfill speed vs ingest | ingest under the traffic s | backfill speed vs it |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    app_lines: list[str] = []
    for n in [int(s) for s in args.posts.split(",") if s.strip()]:
        path = data_file(wards, n, args.seed, log)
        backfills, verifies, ingests, counts = [], [], [], (0, 0)
        busy_ingests: list[float] = []  # the same rows ingested while the legacy traffic runs
        reasons: list[tuple] = []
        for i in range(args.runs):
            name, url = fresh_db(admin)
            try:
                rows = load_legacy(url, path, log)
                phases: dict[str, tuple[float, float]] = {}
                traffic = None
                if traffic_on and args.traffic_during == "all":
                    traffic = _start_traffic(url, args, phases, "idle legacy database (floor)")
                t = time.perf_counter()
                m0 = time.monotonic()
                result = adopt_run.start(
                    url, "public", "UTC", project_dir=root, batch_size=args.batch_size, jobs=args.jobs, log=log
                )
                backfills.append(time.perf_counter() - t)
                phases["adopt start (backfill)"] = (m0, time.monotonic())
                post = next(r for r in result if r.table == "post")
                counts = (post.adopted, post.quarantined)
                t = time.perf_counter()
                m0 = time.monotonic()
                res = adopt_run.verify(url, jobs=args.verify_jobs)
                verifies.append(time.perf_counter() - t)
                phases["adopt verify"] = (m0, time.monotonic())
                if not res.ok:
                    raise RuntimeError(
                        f"adopt verify found {len(res.differences)} difference(s) "
                        f"(first: {res.differences[:5]}) and {len(res.month_differences)} (ward, month) group(s)"
                    )
                with connect(url) as conn:
                    reasons = conn.execute(
                        "select legacy_table, reason, count(*) from adopt.quarantine group by 1, 2 order by 1, 3 desc"
                    ).fetchall()
                if traffic_on and traffic is None:
                    phases.clear()  # the backfill and verify ran without the traffic: no latency to report
                    traffic = _start_traffic(url, args, phases, "idle legacy database, adopted (floor)")
                if traffic is not None:
                    m0 = time.monotonic()
                    cut = adopt_run.cutover(url, log=log)
                    phases[_switch_label("cutover", cut)] = (m0, time.monotonic())
                    m0 = time.monotonic()
                    time.sleep(args.compat_seconds)
                    phases["through the compatibility objects"] = (m0, time.monotonic())
                    m0 = time.monotonic()
                    try:
                        back = adopt_run.rollback(url, log=log)
                        phases[_switch_label("rollback", back)] = (m0, time.monotonic())
                    except LockTimeoutError as exc:
                        # recorded, not hidden: the database stays cut over (the switch rolled back whole)
                        phases[f"adopt rollback (GAVE UP: {exc})"] = (m0, time.monotonic())
                    if args.traffic_during == "all":
                        # the floor under the same traffic: ingest of the same rows into another
                        # database of the server while the application's statements compete for the cores
                        m0 = time.monotonic()
                        busy_ingests.append(_ingest(admin, path, args.workers))
                        phases["ingest of the same rows into another database (the floor under the traffic)"] = (
                            m0,
                            time.monotonic(),
                        )
                    time.sleep(2)
                    traffic.stop()
                    missing = traffic.missing_writes()
                    app_lines += _app_table(traffic, phases, rows, missing)
            finally:
                drop_db(admin, name)
            ingests.append(_ingest(admin, path, args.workers))
            log(
                f"{n:,} posts run {i + 1}: backfill {backfills[-1]:.1f} s, verify {verifies[-1]:.1f} s, "
                f"ingest {ingests[-1]:.1f} s"
            )
        b, v, g = (statistics.median(x) for x in (backfills, verifies, ingests))
        busy = (
            f"{statistics.median(busy_ingests):.1f} | {statistics.median(busy_ingests) / b:.2f}x"
            if busy_ingests
            else "- | -"
        )
        lines.append(
            f"| {rows:,} | {b:.1f} | {rows / b:,.0f} | {counts[0]:,} | {counts[1]:,} | {v:.1f} | {g:.1f} | "
            f"{n / g:,.0f} | {g / b:.2f}x | {busy} |"
        )
        lines.append("")
        lines.append(
            f"Quarantined at {rows:,} posts, by table and reason: "
            + ("; ".join(f"{t} {r}: {c:,}" for t, r, c in reasons) if reasons else "none")
            + "."
        )
    lines += [
        "",
        f"Load average at the end: {os.getloadavg()[0]:.2f}.",
        "",
        "Backfill = `adopt start` on a database already deployed (capture install, backfill in key order, "
        "continuous apply on, drain), under the legacy traffic when it is on. Quarantined = rows the rules refuse "
        "(no ward, unknown ward, ...), kept in adopt.quarantine. Ingest = bench ingest of the same rows into a "
        "fresh deployed database of the same server after the traffic stopped; ingest under the traffic = the same, "
        "while the legacy traffic still runs (after rollback): the like-for-like floor when the traffic is on. "
        "Targets on 2 cores: backfill at least as fast as "
        "ingest (1M <= 3 min); verify of 1M <= 60 s; application p99 during the backfill <= 3x idle; longest "
        "application wait at cutover and rollback <= 1 s (goal 200 ms).",
        *app_lines,
    ]
    out = Path(args.out) if args.out else root / "BENCHMARKS.md"
    title = "## Adoption (`lokdarpan-db bench adopt`)"
    if args.section != "adopt":
        title = f"## Adoption at {args.posts} posts (`lokdarpan-db bench adopt --posts {args.posts}`)"
    write_section(out, args.section, title + "\n\n" + "\n".join(lines))
    print("\n".join(lines))
    return 0


def _ingest(admin: str, path: Path, workers: int) -> float:
    """Seconds bench ingest's child process takes to ingest ``path`` into a fresh deployed database."""
    name, url = fresh_db(admin)
    try:
        return run_once(url, path, workers, 20_000, START + timedelta(days=40))["seconds"]
    finally:
        drop_db(admin, name)


def _kind_table(traffic: LegacyTraffic, phases: dict[str, tuple[float, float]]) -> list[str]:
    """Per statement kind: the idle legacy database against the compatibility objects (what a
    lookup costs through the views), when both phases ran."""
    idle = next((v for k, v in phases.items() if k.startswith("idle legacy")), None)
    compat = phases.get("through the compatibility objects")
    if idle is None or compat is None:
        return []
    a, b = traffic.window(*idle), traffic.window(*compat)
    out = [
        "",
        "Per statement kind, the idle legacy database against the same statements through the compatibility objects:",
        "",
        "| statement | idle: count | p50 ms | p99 ms | compat: count | p50 ms | p99 ms | p50 vs idle |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in sorted(set(a) | set(b)):
        x, y = a.get(kind), b.get(kind)
        cells = [f"{k.count:,} | {k.p50_ms:.1f} | {k.p99_ms:.1f}" if k else "0 | — | —" for k in (x, y)]
        ratio = f"{y.p50_ms / x.p50_ms:.2f}x" if x and y and x.p50_ms > 0 else "—"
        out.append(f"| {kind} | {cells[0]} | {cells[1]} | {ratio} |")
    return out


def _traffic_span(args) -> str:
    """When the legacy traffic ran, for the machine line."""
    if args.traffic_during == "all":
        return " from before the backfill to after rollback"
    return " from after verify: around cutover and rollback only"


def _start_traffic(url: str, args, phases: dict[str, tuple[float, float]], floor: str) -> LegacyTraffic:
    """Start the legacy traffic and record its first ``--idle-seconds`` as the floor phase."""
    traffic = _traffic(url, args)
    traffic.start()
    time.sleep(args.idle_seconds)
    phases[floor] = (traffic.t0, time.monotonic())
    return traffic


def _switch_label(what: str, res: adopt_run.SwitchResult) -> str:
    """A phase name with the switch's locking transaction, its attempts and the command's wall time."""
    return f"adopt {what} (switch {res.switch_s * 1000:.0f} ms at attempt {res.attempts}; {res.total_s:.1f} s in all)"


def _traffic(url: str, args) -> LegacyTraffic:
    """The legacy application: 4 clients at the requested total rate, writes:reads as asked."""
    total = args.write_rate + args.read_rate
    writes = args.write_rate / total if total else 0
    mix = {
        "epaper_ingest": 0.3 * writes,
        "post_batch": 0.3 * writes,
        "login": 0.2 * writes,
        "alert": 0.1 * writes,
        "post_edit": 0.1 * writes,
        # reads as a web application's requests: mostly the per-request user and small lookups,
        # some ward feeds; the full-table aggregates (post_count, day_counts, GROUP BY epaper.id
        # over an unindexed city) are left out: at 50/s they alone saturate 2 cores at 1M posts
        "user_by_id": 0.5 * (1 - writes),
        "epaper_by_id": 0.15 * (1 - writes),
        "recent_feed": 0.25 * (1 - writes),
        "ward_feed": 0.1 * (1 - writes),
    }
    return LegacyTraffic(url, clients=4, rate=total / 4, mix=mix, duration=24 * 3600, seed=args.seed)


def _app_table(
    traffic: LegacyTraffic, phases: dict[str, tuple[float, float]], rows: int, missing: list[str]
) -> list[str]:
    """The application's latency per phase, as a Markdown table, with its errors and missing writes."""
    floor = None
    out = [
        "",
        f"Application latency at {rows:,} legacy posts (all statements of the legacy traffic that overlapped "
        "the phase; writes = the write kinds):",
        "",
        "| phase | statements | p50 ms | p99 ms | writes p99 ms | longest ms (kind) | p99 vs idle |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for phase, (t0, t1) in phases.items():
        ms = traffic.latencies(t0, t1)
        w = traffic.latencies(t0, t1, WRITE_KINDS)
        p99 = quantile(ms, 0.99)
        if floor is None:
            floor = p99
        worst = max(traffic.window(t0, t1).values(), key=lambda k: k.max_ms, default=None)
        out.append(
            f"| {phase} ({t1 - t0:.0f} s) | {len(ms):,} | {quantile(ms, 0.5):.1f} | {p99:.1f} | "
            f"{quantile(w, 0.99):.1f} | {worst.max_ms if worst else 0:.0f} ({worst.kind if worst else ''}) | "
            f"{p99 / floor if floor else float('nan'):.2f}x |"
        )
    out += _kind_table(traffic, phases)
    result = traffic.result()
    out += [
        "",
        f"Application errors: {len(result.app_errors)}"
        + (f" (first: {result.app_errors[0].kind}: {result.app_errors[0].message})" if result.app_errors else "")
        + f"; acknowledged writes {len(traffic.acknowledged):,}, not readable as acknowledged afterwards: "
        f"{len(missing)}" + (f" (first: {missing[0]})" if missing else "") + ".",
    ]
    return out
