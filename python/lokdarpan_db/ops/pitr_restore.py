"""Restore from a PITR repository into a NEW data directory, recover to an instant, start it on a
free port and prove it; never touches the running server or the repository's contents.

Steps: choose the newest backup that ended before the target (and its chain back to a full one);
check every stored file's sha256 (a damaged backup: exit 9, nothing created); check the WAL from
the backup's start is continuous up to the target (a gap: exit 10, naming the missing segment and
the last instant before it); unpack (one backup) or unpack each and ``pg_combinebackup`` them;
decode the WAL it needs into ``<dir>/pitr_wal`` (so the server never needs the key); write the
recovery settings (``restore_command``, ``recovery_target_*``, ``archive_mode = off`` — a restored
copy must never archive into the repository — its own socket directory, no synchronous standby);
``recovery.signal``; start through ``Cluster.start`` (free port), wait for promotion; then prove.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DamagedBackupError, UserError
from ..postgres.connect import connect, one
from ..postgres.embedded import Cluster
from .backup import integrity, tables
from .pitr import check_stored, extract, gap_error, wal_chain
from .pitr_store import Repo, chown_tree, lsn_int, need_space, segment_name

STAGE = "pitr_wal"


@dataclass
class Target:
    """Where recovery stops: at a time, at an LSN, or at the end of the WAL (latest)."""

    kind: str  # time | lsn | latest
    value: str | None = None

    def required_value(self) -> str:
        """The instant or LSN of a time or LSN target; UserError when it has none."""
        if self.value is None:
            raise UserError(f"a recovery target by {self.kind} needs a value (--to-time or --to-lsn)")
        return self.value

    def describe(self) -> str:
        """The target in words, for messages."""
        return {"time": f"time {self.value}", "lsn": f"LSN {self.value}", "latest": "latest"}[self.kind]


@dataclass
class DatabaseProof:
    """What a restored database holds: its deployed changes, table row counts, integrity checks."""

    name: str
    changes: int
    last_change: str | None
    tables: dict[str, int]
    integrity: list[dict]


@dataclass
class RestoreResult:
    """A finished restore: the recovered cluster, where it stopped, timings, proofs and problems."""

    cluster: Cluster
    url: str
    chain: list[str]
    recovered_to: str | None
    recovered_lsn: str | None
    seconds_to_open: float
    seconds_total: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    proofs: list[DatabaseProof] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_time(value: str) -> dt.datetime:
    """A ``--to-time`` value as an aware datetime; UserError when it is not ISO 8601 with a time zone."""
    try:
        t = dt.datetime.fromisoformat(value.replace(" UTC", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"--to-time {value!r} is not a timestamp (ISO 8601, e.g. 2026-12-01T10:15:30+05:30)") from None
    if t.tzinfo is None:
        raise UserError(f"--to-time {value!r} has no time zone: add one (e.g. +00:00 or Z)")
    return t


def choose_backup(repo: Repo, target: Target) -> dict:
    """The newest backup that ended before the target; UserError when there is none."""
    backups = repo.backups()
    if not backups:
        raise UserError(f"no backup in {repo.backups_dir} (pitr backup)")
    if target.kind == "latest":
        return backups[-1]
    if target.kind == "time":
        t = parse_time(target.required_value())
        ok = [b for b in backups if dt.datetime.fromisoformat(b["ended_at"]) <= t]
        if not ok:
            raise UserError(
                f"no backup ended before {t.isoformat()}: the oldest restorable instant is {backups[0]['ended_at']}"
            )
        return ok[-1]
    want = lsn_int(target.required_value())
    ok = [b for b in backups if lsn_int(b["end_lsn"]) <= want]
    if not ok:
        raise UserError(
            f"no backup ended before LSN {target.value}: the oldest restorable LSN is {backups[0]['end_lsn']}"
        )
    return ok[-1]


def _check_into(into: Path, repo: Repo, source_pgdata: Path | None) -> None:
    if into.exists() and any(into.iterdir()):
        raise UserError(f"{into} is not empty: a restore goes into a new data directory")
    for forbidden in [p for p in (source_pgdata, repo.root) if p]:
        f = Path(forbidden).resolve()
        if into == f or f in into.parents or into in f.parents:
            raise UserError(f"{into} overlaps {f}: restore into a directory of its own")


def restore(
    repo: Repo,
    target: Target,
    into: Path,
    *,
    bindir: Path,
    os_user: str | None,
    key_file: Path | None = None,
    source_pgdata: Path | None = None,
    prove: bool = True,
    log=lambda m: None,
) -> RestoreResult:
    """Restore the backup chain for ``target`` into the new data directory ``into``, replay WAL up
    to the target, open the cluster and (with ``prove``) check each database."""
    t_start = time.perf_counter()
    phases: dict[str, float] = {}
    mark = [t_start]

    def phase(name: str) -> None:
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - mark[0]
        mark[0] = now

    into = Path(into).resolve()
    _check_into(into, repo, source_pgdata)
    if repo.recipient:
        key_file = repo.check_key(key_file)
    last = choose_backup(repo, target)
    backups = repo.backups()
    chain = repo.chain(last, backups)
    for meta in chain:
        problem = check_stored(meta)
        if problem:
            raise DamagedBackupError(problem)
    # the backup carries its own WAL up to end_lsn; the archive carries it on from there
    wal = wal_chain(repo, last["timeline"], last["start_wal"], covered=lsn_int(last["end_lsn"]) // repo.seg_size)
    if wal.gap is not None:
        err = gap_error(repo, wal, key_file, bindir)
        if target.kind == "latest":
            raise err
        if target.kind == "lsn" and lsn_int(target.required_value()) >= wal.gap * repo.seg_size:
            raise err
        if target.kind == "time":
            instant = _gap_instant(str(err))
            if instant is None or parse_time(target.required_value()) > instant:
                raise err
    # space: the unpacked chain and the decoded WAL
    # (pg_combinebackup --link: the combined directory hard-links the unpacked files)
    need = sum(m["plain_bytes"] for m in chain) + (wal.last - wal.first + 1) * repo.seg_size
    need_space(into.parent, need, f"the restore into {into}")
    phase("check")
    into.mkdir(parents=True, exist_ok=True)
    work = into.parent / f".{into.name}.pitr-work"
    try:
        if len(chain) == 1:
            into.rmdir()
            log(f"unpacking full backup {chain[0]['label']}")
            extract(repo, chain[0], into, key_file)
        else:
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            parts = []
            for meta in chain:
                log(f"unpacking {meta['kind']} backup {meta['label']}")
                extract(repo, meta, work / meta["label"], key_file)
                parts.append(str(work / meta["label"]))
            log(f"pg_combinebackup of {len(parts)} backups")
            into.rmdir()
            proc = subprocess.run(
                [str(bindir / "pg_combinebackup"), "-N", "--link", "-o", str(into), *parts],
                capture_output=True,
                text=True,
                timeout=6 * 3600,
            )
            if proc.returncode != 0:
                raise DamagedBackupError(
                    "pg_combinebackup failed on "
                    f"{' + '.join(m['label'] for m in chain)}: "
                    f"{(proc.stderr.strip().splitlines() or ['?'])[-1]}"
                )
    except BaseException:
        shutil.rmtree(into, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    phase("unpack and combine")
    stage = into / STAGE
    stage.mkdir()
    log(
        f"decoding WAL {segment_name(wal.tli, wal.first, repo.seg_size)} .. "
        f"{segment_name(wal.tli, wal.last, repo.seg_size)} into {stage}"
    )
    for segno in range(wal.first, wal.last + 1):
        name = segment_name(wal.tli, segno, repo.seg_size)
        src = wal.paths.get(segno) or (wal.partial if segno == wal.last else None)
        if src is None:  # inside the backup's own pg_wal
            continue
        try:
            repo.decode_file(src, stage / name, key_file)
        except FileNotFoundError:  # pg_receivewal finished the segment meanwhile: renamed
            repo.decode_file(src.with_name(src.name.removesuffix(".partial")), stage / name, key_file)
    for name, path in repo.wal_files().items():
        if name.endswith(".history"):
            repo.decode_file(path, stage / name, key_file)
    phase("decode WAL")
    _write_recovery_conf(into, target, stage)
    (into / "server.log").unlink(missing_ok=True)
    for stale in ("postmaster.pid", "postmaster.opts", "standby.signal"):
        (into / stale).unlink(missing_ok=True)
    (into / "recovery.signal").write_text("")
    into.chmod(0o700)
    chown_tree(into, os_user)
    cluster = Cluster(into, bindir, os_user)
    log(f"recovering to {target.describe()} in {into}")
    try:
        cluster.start()
    except UserError:
        raise UserError(f"recovery to {target.describe()} failed: {_recovery_failure(into)}") from None
    url = cluster.url("postgres")
    deadline = time.monotonic() + 3600
    with connect(url, autocommit=True) as conn:
        while conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
            if time.monotonic() > deadline or not cluster.running:
                raise UserError(f"recovery did not finish: {_recovery_failure(into)}")
            time.sleep(0.1)
        replayed, lsn = one(conn.execute("SELECT pg_last_xact_replay_timestamp(), pg_current_wal_lsn()::text"))
        dbs = [
            r[0]
            for r in conn.execute(
                "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname"
            )
        ]
    seconds_open = time.perf_counter() - t_start
    phase("recover and open")
    shutil.rmtree(stage, ignore_errors=True)
    dbname = "lokdarpan" if "lokdarpan" in dbs else "postgres"
    result = RestoreResult(
        cluster,
        cluster.url(dbname),
        [m["label"] for m in chain],
        replayed.isoformat() if replayed else None,
        lsn,
        seconds_open,
    )
    if prove:
        for name in dbs:
            result.proofs.append(prove_database(cluster.url(name), name))
        for p in result.proofs:
            for check in p.integrity:
                if check["status"] == "FAIL":
                    result.problems.append(f"{p.name}: integrity check {check['check_name']} FAILs: {check['issue']}")
        phase("prove")
    result.phases = phases
    result.seconds_total = time.perf_counter() - t_start
    return result


def _gap_instant(message: str) -> dt.datetime | None:
    if "nothing after " not in message or " (the last commit" not in message:
        return None
    text = message.split("nothing after ", 1)[1].split(" (the last commit", 1)[0]
    try:
        return parse_time(text)
    except UserError:
        return None


def _write_recovery_conf(into: Path, target: Target, stage: Path) -> None:
    lines = [
        "",
        "# lokdarpan-db pitr restore: recovery settings (a restored copy never archives)",
        "archive_mode = 'off'",
        f'restore_command = \'cp "{stage}/%f" "%p"\'',
        "recovery_target_action = 'promote'",
        "recovery_target_timeline = 'current'",
        f"unix_socket_directories = '{into}'",
        "synchronous_standby_names = ''",
        "summarize_wal = 'off'",
    ]
    if target.kind == "time":
        lines.append(f"recovery_target_time = '{parse_time(target.required_value()).isoformat()}'")
    elif target.kind == "lsn":
        lines.append(f"recovery_target_lsn = '{target.value}'")
    with open(into / "postgresql.auto.conf", "a") as fh:  # read last: overrides every other file
        fh.write("\n".join(lines) + "\n")


def _recovery_failure(into: Path) -> str:
    try:
        lines = (into / "server.log").read_text(errors="replace").splitlines()
    except OSError:
        return "(no server log)"
    important = [ln for ln in lines if "FATAL" in ln or "recovery" in ln.lower() and "ERROR" in ln]
    return " | ".join((important or lines)[-3:])


def prove_database(url: str, name: str) -> DatabaseProof:
    """Count the rows of every table and the deployed changes of one database, and run its integrity
    checks when it has them."""
    with connect(url) as conn:
        counts = {}
        for schema, table in tables(conn):
            counts[f"{schema}.{table}"] = conn.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
        changes, last = 0, None
        if conn.execute("SELECT to_regclass('lokdarpan_meta.change') IS NOT NULL").fetchone()[0]:
            changes, last = one(
                conn.execute("SELECT count(*), (array_agg(change_id ORDER BY seq DESC))[1] FROM lokdarpan_meta.change")
            )
        checks = []
        if conn.execute("SELECT to_regprocedure('ops.validate_data_integrity()') IS NOT NULL").fetchone()[0]:
            checks = integrity(conn)
        conn.rollback()
    return DatabaseProof(name, changes, last, counts, checks)


def stop(pgdata: Path, bindir: Path, os_user: str | None) -> bool:
    """Stop the server of a (restored) data directory: True once it stopped, False when it was not running."""
    pgdata = Path(pgdata).resolve()
    if not (pgdata / "PG_VERSION").exists():
        raise UserError(f"{pgdata} is not a PostgreSQL data directory")
    return Cluster(pgdata, bindir, os_user).stop()


__all__ = ["Target", "restore", "stop"]
