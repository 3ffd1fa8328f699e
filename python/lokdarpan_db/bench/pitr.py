"""PITR: full and incremental base backups, WAL per day, restore time (RTO) and measured RPO.

Starts its own embedded server in a work directory (production settings: fsync and synchronous
commit on), deploys the plan, ingests --posts demo posts, turns on archiving into a repository,
then measures: full backup (time, size; --runs times) against the floor of a plain
``tar | zstd`` and ``cp -r`` of the data directory; one day of --day-posts posts (WAL volume,
archived size) and the incremental backup after it (time, size, share of the full one);
restore to the latest instant (RTO) and to the middle of the day; RPO as the newest committed
transaction missing after ``kill -9`` of the server, restoring only from the repository, with
archive_command + archive_timeout, with pg_receivewal, and with synchronous pg_receivewal.
Deletes its work directory at the end (unless --keep).
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from ..ingest.load import ingest_files
from ..migrations.engine import Deployer
from ..ops import pitr
from ..ops.pitr_restore import Target, restore
from ..ops.pitr_store import Repo, lsn_int, pipeline
from ..postgres.connect import connect, ensure_database, one
from ..postgres.embedded import Cluster
from ..project import project_dir
from ..synthetic.bulk import generate_bulk
from ..synthetic.demo import load_wards, write_posts
from .ingest import START, data_file
from .report import machine_description, write_section


def add_arguments(p) -> None:
    """The options of ``lokdarpan-db bench pitr``."""
    p.add_argument("--posts", type=int, default=1_000_000, help="posts loaded before the backups")
    p.add_argument("--day-posts", type=int, default=145_000, help="posts in one day")
    p.add_argument(
        "--bulk",
        action="store_true",
        help="make the --posts history with the bulk generator (a year of posts before the measured "
        "day, minutes for 10M) instead of ingesting --posts/145,000 days of demo posts",
    )
    p.add_argument("--runs", type=int, default=3, help="runs of the full backup and restores")
    p.add_argument("--compress", default=None, choices=["zstd", "lz4", "gzip", "none"])
    p.add_argument(
        "--rpo-seconds",
        type=float,
        default=100.0,
        help="how long the probe writes before the crash, with archiving only",
    )
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--workdir", default=None, help="work directory (default: a new one in /tmp)")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--no-report", action="store_true", help="print, do not write BENCHMARKS.md")


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e8 else f"{n / 1e6:.1f} MB"


def crash(cluster: Cluster) -> None:
    """SIGKILL the postmaster and every process it started."""
    pid = cluster.pid_info()[0]
    victims = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                victims.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    for p in victims:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for _ in range(100):
        if not cluster.running:
            return
        time.sleep(0.1)


def _timed(fn, *a, **kw):
    t = time.perf_counter()
    r = fn(*a, **kw)
    return time.perf_counter() - t, r


def _floor(pgdata: Path, dest: Path, codec: list[str]) -> tuple[float, int, float]:
    t = time.perf_counter()
    subprocess.run(f"tar -C '{pgdata}' -cf - . 2>/dev/null | {' '.join(codec)} > '{dest}'", shell=True, check=False)
    tar_s = time.perf_counter() - t
    size = dest.stat().st_size
    dest.unlink()
    copy = dest.with_suffix(".cp")
    t = time.perf_counter()
    subprocess.run(["cp", "-r", str(pgdata), str(copy)], check=False, capture_output=True)
    cp_s = time.perf_counter() - t
    shutil.rmtree(copy, ignore_errors=True)
    return tar_s, size, cp_s


def incremental_contributors(repo: Repo, meta: dict, url: str, top: int = 8) -> list[tuple]:
    """The relations whose changed blocks make up most of an incremental backup:
    (relation, bytes in the incremental, relation size now)."""
    listing = Path(tempfile.mkstemp(prefix="ldbench-list-")[1])
    try:
        pipeline(
            [*repo.decode_cmds(None), ["tar", "-tvf", "-"]],
            stdin_path=meta["dir"] / meta["file"],
            stdout_path=listing,
            what="listing the incremental backup",
        )
        sizes: dict[int, int] = {}
        for line in listing.read_text().splitlines():
            parts = line.split()
            if len(parts) < 6 or "/INCREMENTAL." not in parts[-1]:
                continue
            node = parts[-1].rsplit("INCREMENTAL.", 1)[1].split("_")[0].split(".")[0]
            if node.isdigit():
                sizes[int(node)] = sizes.get(int(node), 0) + int(parts[2])
    finally:
        listing.unlink(missing_ok=True)
    with connect(url) as conn:
        names = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                "select relfilenode::int8, oid::regclass::text, pg_relation_size(oid) from pg_class"
                " where relfilenode <> 0"
            )
        }
    rows = sorted(
        ((names.get(n, (f"relfilenode {n}", 0))[0], b, names.get(n, ("", 0))[1]) for n, b in sizes.items()),
        key=lambda r: -r[1],
    )
    return rows[:top]


def _restore(repo: Repo, target: Target, into: Path, cluster: Cluster, prove: bool):
    res = restore(
        repo, target, into, bindir=cluster.bindir, os_user=cluster.os_user, source_pgdata=cluster.pgdata, prove=prove
    )
    return res


def _drop_restored(res, into: Path) -> None:
    res.cluster.stop("immediate")
    shutil.rmtree(into, ignore_errors=True)


def _probe(url: str, stop: threading.Event, acked: list[tuple[int, datetime]]) -> None:
    try:
        with connect(url, autocommit=True) as conn:
            while not stop.is_set():
                row = one(conn.execute("insert into rpo_probe default values returning id, at"))
                acked.append((row[0], row[1]))  # the commit returned: the client was told it is durable
                time.sleep(0.02)
    except Exception:  # noqa: BLE001 - the crash ends it
        pass


def _rpo(mode: str, cluster: Cluster, repo_dir: Path, base: Path, seconds: float) -> dict:
    pitr.setup(
        repo_dir,
        cluster=cluster,
        url=cluster.url("postgres"),
        compression=None,
        key_file=None,
        stream=mode != "archive",
        synchronous=mode == "sync",
        log=_log,
    )
    url = cluster.url("lokdarpan")
    repo = Repo.open(repo_dir)
    if mode != "archive":
        deadline = time.monotonic() + 60
        want = "sync" if mode == "sync" else "async"
        while True:
            with connect(cluster.url("postgres"), autocommit=True) as conn:
                r = conn.execute(
                    "select sync_state from pg_stat_replication where application_name = %s", [pitr.SLOT]
                ).fetchone()
            if r and r[0] == want:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"pg_receivewal did not connect as {want}")
            time.sleep(0.2)
    with connect(url, autocommit=True) as conn:
        conn.execute(
            "create table if not exists rpo_probe (id bigserial primary key,"
            " at timestamptz not null default clock_timestamp())"
        )
    pitr.take_backup(repo, cluster.url("postgres"), incremental=True, bindir=cluster.bindir)
    stop = threading.Event()
    acked: list[tuple[int, datetime]] = []
    th = threading.Thread(target=_probe, args=(url, stop, acked), daemon=True)
    th.start()
    time.sleep(seconds)
    crash(cluster)
    stop.set()
    th.join(30)
    last_id, last_at = acked[-1]
    into = base / f"rpo-{mode}"
    res = _restore(repo, Target("latest"), into, cluster, prove=False)
    with connect(res.cluster.url("lokdarpan"), autocommit=True) as conn:
        got_id, got_at = one(conn.execute("select coalesce(max(id), 0), max(at) from rpo_probe"))
    _drop_restored(res, into)
    cluster.start()  # crash recovery, for the next measurement
    missing = max(0, last_id - got_id)
    lost_s = 0.0 if missing == 0 else (last_at - got_at).total_seconds() if got_at else seconds
    _log(f"RPO {mode}: {missing} committed transactions missing ({lost_s:.2f} s of commits)")
    return {"missing": missing, "seconds": lost_s, "acked": len(acked), "restore_s": res.seconds_to_open}


def run(args) -> int:
    """Measure PITR on a server of its own (backup sizes and times, restore time, data lost after a
    crash per WAL mode) and write the section of BENCHMARKS.md."""
    root = project_dir(args.project_dir)
    base = Path(args.workdir or tempfile.mkdtemp(prefix="ldbench-pitr-", dir="/tmp")).resolve()
    base.mkdir(parents=True, exist_ok=True)
    base.chmod(0o755)
    cluster = Cluster.embedded(base / "pgdata")
    repo_dir = base / "pitr"
    r: dict = {}
    try:
        cluster.start()
        ensure_database(cluster.url("postgres"), "lokdarpan")
        url = cluster.url("lokdarpan")
        _log(f"deploying the plan into {url}")
        Deployer(url, root).deploy()
        with connect(url) as conn:
            wards = load_wards(conn)
            r["version"] = conn.execute("show server_version").fetchone()[0]
        if args.bulk:
            # a year of history ending where the measured day begins
            days = 0
            now = START + timedelta(days=1, hours=3)
            _log(f"generating {args.posts:,} posts over the year before {START:%Y-%m-%d} (bulk)")
            r["ingest_s"], _ = _timed(generate_bulk, url, args.posts, START, _log, check=False)
            r["history"] = "bulk"
        else:
            days = max(1, args.posts // 145_000)
            path = data_file(wards, args.posts, args.seed, _log)
            now = START + timedelta(days=days + 3)
            _log(f"ingesting {args.posts:,} posts")
            r["ingest_s"], _ = _timed(ingest_files, url, [path], workers=2, now=now, progress=False)
            r["history"] = f"ingest of {days} days"
        with connect(url, autocommit=True) as conn:
            # a live server has vacuumed yesterday's rows by the time of the nightly backup:
            # without this the first vacuum after the bulk load (all-visible bits on every heap
            # page, WAL-logged) would land in the next incremental
            _log("vacuum analyze after the bulk load")
            conn.execute("vacuum (analyze)")
            conn.execute("checkpoint")
            r["db_bytes"] = int(conn.execute("select sum(pg_database_size(oid)) from pg_database").fetchone()[0])
        r["load"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        pitr.setup(
            repo_dir,
            cluster=cluster,
            url=cluster.url("postgres"),
            compression=args.compress,
            key_file=None,
            stream=True,
            log=_log,
        )
        url = cluster.url("lokdarpan")  # the restart chose a new port
        repo = Repo.open(repo_dir)
        codec = {
            "zstd": ["zstd", "-q", "-1", "-T0", "-c"],
            "lz4": ["lz4", "-q", "-1", "-c"],
            "gzip": ["gzip", "-1", "-c"],
            "none": ["cat"],
        }[repo.compression]
        fulls, floors = [], []
        for i in range(args.runs):
            meta = pitr.take_backup(repo, cluster.url("postgres"), incremental=False, bindir=cluster.bindir)
            fulls.append(meta)
            floors.append(_floor(cluster.pgdata, base / "floor.tar", codec))
            _log(
                f"full backup {i + 1}: {meta['seconds']:.1f} s, {_gb(meta['stored_bytes'])} stored; "
                f"floor tar|{codec[0]} {floors[-1][0]:.1f} s, cp -r {floors[-1][2]:.1f} s"
            )
            if i < args.runs - 1:
                shutil.rmtree(meta["dir"])  # keep one full backup: the chain's base
        r["full_s"] = statistics.median(m["seconds"] for m in fulls)
        r["full_plain"] = fulls[-1]["plain_bytes"]
        r["full_stored"] = fulls[-1]["stored_bytes"]
        r["floor_tar_s"] = statistics.median(f[0] for f in floors)
        r["floor_tar_bytes"] = floors[-1][1]
        r["floor_cp_s"] = statistics.median(f[2] for f in floors)
        # one day of posts, in two halves: the middle of the day is the second restore target
        day = base / "day.jsonl"
        write_posts(day, args.day_posts, wards, start=START + timedelta(days=days), days=1, seed=args.seed + 1000)
        lines = day.read_text().splitlines(keepends=True)
        half = len(lines) // 2
        (base / "day1.jsonl").write_text("".join(lines[:half]))
        (base / "day2.jsonl").write_text("".join(lines[half:]))
        with connect(url, autocommit=True) as conn:
            lsn0 = conn.execute("select pg_current_wal_lsn()::text").fetchone()[0]
            r["before_posts"] = conn.execute("select count(*) from core.post").fetchone()[0]
        archived0 = {n for n in repo.wal_files()}
        t_day = time.perf_counter()
        ingest_files(url, [base / "day1.jsonl"], workers=2, now=now, progress=False)
        with connect(url, autocommit=True) as conn:
            mid = conn.execute("select now()::text").fetchone()[0]
            r["mid_posts"] = conn.execute("select count(*) from core.post").fetchone()[0]
        time.sleep(0.2)
        ingest_files(url, [base / "day2.jsonl"], workers=2, now=now, progress=False)
        r["day_ingest_s"] = time.perf_counter() - t_day
        with connect(url, autocommit=True) as conn:
            lsn1 = conn.execute("select pg_current_wal_lsn()::text").fetchone()[0]
            r["latest_posts"] = conn.execute("select count(*) from core.post").fetchone()[0]
        r["wal_day"] = lsn_int(lsn1) - lsn_int(lsn0)
        pitr.check_archiving(cluster.url("postgres"), repo, timeout=600)
        r["wal_day_stored"] = sum(
            p.stat().st_size for n, p in repo.wal_files().items() if n not in archived0 and p.parent == repo.wal_dir
        )
        meta = pitr.take_backup(repo, cluster.url("postgres"), incremental=True, bindir=cluster.bindir)
        r["incr_s"], r["incr_stored"], r["incr_plain"] = meta["seconds"], meta["stored_bytes"], meta["plain_bytes"]
        _log(f"incremental after a day: {meta['seconds']:.1f} s, {_gb(meta['stored_bytes'])}")
        try:
            r["incr_top"] = incremental_contributors(repo, meta, url)
            _log(f"largest in the incremental: {r['incr_top']}")
        except Exception as exc:  # noqa: BLE001 - an analysis, not a measurement
            _log(f"could not list the incremental's relations: {exc}")
        # restores: to the latest instant (RTO), to the middle of the day
        opens, totals, phases = [], [], []
        for i in range(args.runs):
            into = base / f"restore-latest-{i}"
            res = _restore(repo, Target("latest"), into, cluster, prove=True)
            with connect(res.cluster.url("lokdarpan")) as conn:
                got = conn.execute("select count(*) from core.post").fetchone()[0]
            assert got == r["latest_posts"], (got, r["latest_posts"])
            opens.append(res.seconds_to_open)
            totals.append(res.seconds_total)
            phases.append(res.phases)
            _log(
                f"restore to latest {i + 1}: open {res.seconds_to_open:.1f} s, proved "
                f"{res.seconds_total:.1f} s {res.phases}"
            )
            _drop_restored(res, into)
        r["rto_open"], r["rto_total"] = statistics.median(opens), statistics.median(totals)
        r["rto_phases"] = sorted(phases, key=lambda p: sum(p.values()))[len(phases) // 2]
        into = base / "restore-mid"
        res = _restore(repo, Target("time", mid), into, cluster, prove=False)
        with connect(res.cluster.url("lokdarpan")) as conn:
            got = conn.execute("select count(*) from core.post").fetchone()[0]
        assert got == r["mid_posts"], (got, r["mid_posts"])
        r["mid_open"] = res.seconds_to_open
        _drop_restored(res, into)
        # RPO after kill -9, restoring from the repository only
        r["rpo"] = {}
        for mode, secs in (("archive", args.rpo_seconds), ("stream", 20.0), ("sync", 20.0)):
            r["rpo"][mode] = _rpo(mode, cluster, repo_dir, base, secs)
    finally:
        try:
            pitr.stop_receiver(Repo.open(repo_dir))
        except Exception:  # noqa: BLE001
            pass
        cluster.stop("immediate")
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    md = report(args, r)
    if args.no_report:
        print(md)
    else:
        name = (
            "pitr"
            if args.posts == 1_000_000 and not args.bulk
            else f"pitr-{args.posts}" + ("-bulk" if args.bulk else "")
        )
        write_section(Path(root) / "BENCHMARKS.md", name, md)
        print(md)
    return 0


def report(args, r: dict) -> str:
    """The Markdown section of BENCHMARKS.md for the measurements ``r``."""
    pct = 100 * r["incr_stored"] / r["full_stored"]
    ph = ", ".join(f"{k} {v:.1f} s" for k, v in r["rto_phases"].items())
    rpo = r["rpo"]
    return "\n".join(
        [
            f"## PITR at {args.posts:,} posts (`lokdarpan-db bench pitr --posts {args.posts}"
            + (" --bulk" if getattr(args, "bulk", False) else "")
            + f" --runs {args.runs}`)",
            "",
            f"Machine: {machine_description()}; PostgreSQL {r['version']} (its own server: fsync and "
            f"synchronous_commit on); {args.posts:,} posts ("
            + (
                f"a year of history made by the bulk generator in {r['ingest_s']:.0f} s"
                if r.get("history") == "bulk"
                else f"ingested in {r['ingest_s']:.0f} s"
            )
            + f", then `vacuum analyze`); load average {r.get('load', '?')}, "
            f"databases {_gb(r['db_bytes'])}; one day = {args.day_posts:,} posts; compression "
            f"{args.compress or 'zstd -1'}; medians of {args.runs} runs where a step was repeated.",
            "",
            "| step | time | size | notes |",
            "|---|---:|---:|---|",
            f"| full backup (`pitr backup`: pg_basebackup -X stream, tar, compress, fsync) | "
            f"{r['full_s']:.1f} s | {_gb(r['full_stored'])} | {_gb(r['full_plain'])} of data |",
            f"| floor: `tar \\| compress` of the data directory | {r['floor_tar_s']:.1f} s | "
            f"{_gb(r['floor_tar_bytes'])} | not a consistent backup |",
            f"| floor: `cp -r` of the data directory | {r['floor_cp_s']:.1f} s | | |",
            f"| one day of posts ingested | {r['day_ingest_s']:.1f} s | WAL {_gb(r['wal_day'])} | "
            f"archived (compressed): {_gb(r['wal_day_stored'])}; "
            f"{r['latest_posts'] - r['before_posts']:,} posts added |",
            f"| incremental backup after the day (`pitr backup --incremental`) | {r['incr_s']:.1f} s | "
            f"{_gb(r['incr_stored'])} | **{pct:.1f} %** of the full backup (target <= 15 %) |",
            f"| restore to latest (RTO: chain combined, WAL replayed, promoted, open) | "
            f"{r['rto_open']:.1f} s | | {ph} |",
            f"| restore to latest, proved (counts of every table, integrity checks) | {r['rto_total']:.1f} s | | |",
            f"| restore to the middle of the day (`--to-time`) | {r['mid_open']:.1f} s | | |",
            "",
            *(
                [
                    "Largest relations in the incremental (uncompressed changed blocks / relation size): "
                    + "; ".join(f"`{n}` {_gb(b)} / {_gb(t)}" for n, b, t in r["incr_top"])
                    + ".",
                    "",
                ]
                if r.get("incr_top")
                else []
            ),
            "RPO: a probe commits one row every 20 ms; the server is killed with `kill -9` (postmaster "
            "and all its processes) and the repository alone is restored `--to-latest`:",
            "",
            "| WAL shipping | committed transactions missing | seconds of commits lost |",
            "|---|---:|---:|",
            f"| archive_command, archive_timeout = {pitr.ARCHIVE_TIMEOUT} (crash {args.rpo_seconds:.0f} s "
            f"after the probe started) | {rpo['archive']['missing']} | {rpo['archive']['seconds']:.1f} |",
            f"| + pg_receivewal (asynchronous) | {rpo['stream']['missing']} | {rpo['stream']['seconds']:.2f} |",
            f"| + pg_receivewal --synchronous, synchronous_standby_names | {rpo['sync']['missing']} | "
            f"{rpo['sync']['seconds']:.2f} |",
            "",
            "Targets: RPO <= 60 s with archiving (bounded by archive_timeout), goal 0 with synchronous "
            "streaming; a day's incremental <= 15 % of a full backup; RTO at 10M posts <= 10 minutes.",
        ]
    )
