"""Point-in-time recovery: a continuous WAL archive and base backups (full and incremental) in a
repository directory; status/verify/prune are in ``pitr_check``, restores in ``pitr_restore``.

The server side is PostgreSQL 18's own machinery: ``archive_command`` (``bin/archive-wal``,
written by ``setup``) copies every finished WAL segment into ``wal/``; optionally
``pg_receivewal`` streams WAL into ``stream/`` through a replication slot as it is written
(RPO of seconds, or 0 with ``synchronous_standby_names``); ``summarize_wal = on`` lets
``pg_basebackup --incremental`` copy only the blocks changed since the previous backup. Every
backup is plain format with its WAL (``-X stream``), so each restores on its own to the instant it
ended; the archive carries it forward to any later second. See ``pitr_store`` for the layout.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DamagedBackupError, UserError, WalGapError
from ..postgres.connect import connect
from ..postgres.embedded import Cluster, embedded_bindir
from .pitr_store import (
    CODECS,
    Repo,
    fsync_path,
    lsn_int,
    make_key,
    need_space,
    need_tool,
    now_utc,
    parse_segment,
    pipeline,
    segment_name,
    sha256_file,
    write_scripts,
)

SLOT = "lokdarpan_pitr"
ARCHIVE_TIMEOUT = "60s"


def default_repo(cluster: Cluster | None) -> Path:
    """The default repository directory, ``pitr`` next to the cluster's data directory; an
    external server has none (UserError)."""
    if cluster is None:
        raise UserError("an external server (--db) needs --repo DIR: the repository directory")
    return cluster.pgdata.parent / "pitr"


def _server_facts(url: str) -> dict:
    with connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT system_identifier::text, current_setting('wal_segment_size'),"
            " current_setting('server_version'), now(), pg_is_in_recovery()"
            " FROM pg_control_system()"
        ).fetchone()
    size = row[1]
    mult = {"MB": 1 << 20, "GB": 1 << 30, "kB": 1 << 10}
    seg = int(size[:-2]) * mult[size[-2:]] if size[-2:] in mult else int(size)
    return {
        "system_identifier": row[0],
        "wal_segment_size": seg,
        "server_version": row[2],
        "now": row[3],
        "in_recovery": row[4],
    }


# -- setup --------------------------------------------------------------------------------------
@dataclass
class SetupReport:
    """What ``setup`` did: the repository, the server settings PITR needs and which are missing."""

    repo: Path
    settings: dict[str, str]
    applied: bool  # False for an external server: the DBA sets them
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def wanted_settings(archive_script: Path, synchronous: bool) -> dict[str, str]:
    """The server settings continuous archiving needs (and synchronous streaming, when asked)."""
    s = {
        "wal_level": "replica",
        "archive_mode": "on",
        "archive_command": f'{archive_script} "%p" "%f"',
        "archive_timeout": ARCHIVE_TIMEOUT,
        "summarize_wal": "on",
    }
    if synchronous:
        s["synchronous_standby_names"] = SLOT
    return s


def _show(conn, name: str) -> str:
    return conn.execute("SELECT current_setting(%s)", [name]).fetchone()[0]


def _same(name: str, have: str, want: str) -> bool:
    if name == "archive_timeout":
        return have in (want, "1min")
    return have == want


def setup(
    repo_dir: Path,
    *,
    cluster: Cluster | None,
    url: str,
    compression: str | None,
    key_file: Path | None,
    stream: bool | None,
    synchronous: bool = False,
    log=lambda m: None,
) -> SetupReport:
    """Create (or re-check) the repository and turn on archiving into it. ``cluster`` is the
    embedded server (settings applied with ALTER SYSTEM, restarted through Cluster.stop/start when
    archive_mode changes), or None for an external server at ``url`` (settings printed and
    checked, never changed)."""
    facts = _server_facts(url)
    if facts["in_recovery"]:
        raise UserError("the server is a standby (in recovery): set up PITR on the primary")
    compression = compression or _existing(repo_dir, "compression") or _default_compression()
    if compression not in CODECS:
        raise UserError(f"unknown compression {compression!r} (zstd, lz4, gzip, none)")
    tool = CODECS[compression][3]
    if tool:
        need_tool(tool)
    recipient = make_key(key_file) if key_file else _existing(repo_dir, "recipient")
    # re-running setup without --stream/--no-stream/--synchronous keeps what was chosen before
    if stream is None and not synchronous:
        stream = _existing(repo_dir, "stream")
        synchronous = bool(_existing(repo_dir, "synchronous"))
    if stream is False:
        synchronous = False
    repo = Repo.create(
        repo_dir,
        compression=compression,
        recipient=recipient,
        system_identifier=facts["system_identifier"],
        seg_size=facts["wal_segment_size"],
        server_user=cluster.os_user if cluster else None,
    )
    bindir = cluster.bindir if cluster else embedded_bindir()
    conninfo = f"user={cluster.superuser if cluster else 'postgres'} application_name={SLOT}"
    if cluster is None:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        params = conninfo_to_dict(url)
        params["application_name"] = SLOT
        params.pop("dbname", None)
        conninfo = make_conninfo("", **params)
    if stream is not None or synchronous:
        repo.save({"stream": bool(stream or synchronous), "synchronous": bool(synchronous)})
    archive = write_scripts(
        repo,
        pgdata=cluster.pgdata if cluster else None,
        conninfo=conninfo,
        bindir=bindir,
        slot=SLOT,
        synchronous=synchronous,
    )
    want = wanted_settings(archive, synchronous)
    report = SetupReport(repo.root, want, applied=cluster is not None)
    if cluster is not None:
        with connect(url, autocommit=True) as conn:
            for name, value in want.items():
                conn.execute(f"ALTER SYSTEM SET {name} = %s".replace("%s", _quote(value)))
            if not synchronous and _show(conn, "synchronous_standby_names") == SLOT:
                conn.execute("ALTER SYSTEM RESET synchronous_standby_names")
            conn.execute("SELECT pg_reload_conf()")
            time.sleep(0.3)
            restart = any(not _same(n, _show(conn, n), v) for n, v in want.items())
        if restart:
            log(f"restarting the server in {cluster.pgdata} (archive_mode/wal_level need it)")
            cluster.stop()
            cluster.start()
            url = cluster.url("postgres")
    with connect(url, autocommit=True) as conn:
        for name, value in want.items():
            have = _show(conn, name)
            if not _same(name, have, value):
                report.missing.append(f"{name} = {value!r} (the server has {have!r})")
        if stream is not None or synchronous:
            if stream or synchronous:
                conn.execute(
                    "SELECT pg_create_physical_replication_slot(%s, true)"
                    " WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots"
                    " WHERE slot_name = %s)",
                    [SLOT, SLOT],
                )
    if report.missing:
        return report
    if stream or synchronous:
        start_receiver(repo, cluster.os_user if cluster else None)
        wait_receiver(url, "sync" if synchronous else None)
        report.notes.append(
            f"pg_receivewal streams into {repo.stream_dir} (slot {SLOT}{', synchronous' if synchronous else ''})"
        )
    elif stream is False:
        stop_receiver(repo)
        with connect(url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                " WHERE slot_name = %s AND NOT active",
                [SLOT],
            )
    seg = check_archiving(url, repo)
    report.notes.append(f"archiving works: {seg} reached {repo.wal_dir}")
    return report


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _existing(repo_dir: Path, key: str):
    try:
        return Repo.open(repo_dir).config.get(key)
    except UserError:
        return None


def _default_compression() -> str:
    from .pitr_store import default_compression

    return default_compression()


def check_archiving(url: str, repo: Repo, timeout: float = 60) -> str:
    """Switch WAL and wait until the finished segment is in the archive; returns its name."""
    with connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_create_restore_point('lokdarpan_pitr_check')")
        name = conn.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()[0]
        deadline = time.monotonic() + timeout
        while name not in repo.wal_files() or not (repo.wal_dir / (name + repo.suffix)).exists():
            if time.monotonic() > deadline:
                failed = conn.execute("SELECT last_failed_wal, last_failed_time FROM pg_stat_archiver").fetchone()
                raise UserError(
                    f"WAL segment {name} did not reach {repo.wal_dir} in {timeout:.0f} s"
                    f" (last failed: {failed[0]} at {failed[1]}; see the server log)"
                )
            time.sleep(0.1)
    return name


# -- pg_receivewal ------------------------------------------------------------------------------
def _receiver_pid(repo: Repo) -> int | None:
    try:
        pid = int((repo.stream_dir / ".receive-wal.pid").read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def start_receiver(repo: Repo, os_user: str | None) -> int:
    """(Re)start the pg_receivewal loop of the repository in the background (as ``os_user``); its pid."""
    pid = _receiver_pid(repo)
    if pid:
        stop_receiver(repo)  # the script may have changed
    # pg_receivewal resumes after the newest file in its directory; an old open segment (or
    # complete ones the archive already holds) may point it at WAL the slot no longer keeps.
    # Without them it starts at the slot's position: the server keeps everything from there
    # (the slot), and the archive gets the old open segment once the server finishes it.
    prune_stream(repo)
    for p in repo.stream_dir.glob("*.partial"):
        p.unlink()
    cmd = ["/bin/sh", str(repo.bin_dir / "receive-wal")]
    if os_user:
        cmd = ["setpriv", f"--reuid={os_user}", f"--regid={os_user}", "--init-groups", *cmd]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd="/",
    )
    (repo.stream_dir / ".receive-wal.pid").write_text(str(proc.pid))
    return proc.pid


def wait_receiver(url: str, sync_state: str | None = None, timeout: float = 60) -> None:
    """Wait until pg_receivewal streams (as a synchronous standby when ``sync_state``)."""
    deadline = time.monotonic() + timeout
    with connect(url, autocommit=True) as conn:
        while True:
            row = conn.execute(
                "SELECT state, sync_state FROM pg_stat_replication WHERE application_name = %s", [SLOT]
            ).fetchone()
            if row and row[0] == "streaming" and (sync_state is None or row[1] == sync_state):
                return
            if time.monotonic() > deadline:
                raise UserError(
                    f"pg_receivewal is not streaming after {timeout:.0f} s"
                    f"{' as a synchronous standby (commits wait!)' if sync_state else ''}"
                    f": see {Path('stream') / '.receive-wal.log'} in the repository"
                )
            time.sleep(0.2)


def stop_receiver(repo: Repo) -> bool:
    """Stop the repository's pg_receivewal loop; False when none was running."""
    pid = _receiver_pid(repo)
    if not pid:
        return False
    try:
        os.killpg(pid, signal.SIGTERM)  # its own session: the loop and its pg_receivewal
    except ProcessLookupError:
        pass
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    (repo.stream_dir / ".receive-wal.pid").unlink(missing_ok=True)
    return True


# -- backup -------------------------------------------------------------------------------------
def _manifest_range(manifest: Path) -> tuple[int, str, str]:
    data = json.loads(manifest.read_text())
    ranges = data["WAL-Ranges"]
    return (int(ranges[-1]["Timeline"]), ranges[0]["Start-LSN"], ranges[-1]["End-LSN"])


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def take_backup(repo: Repo, url: str, *, incremental: bool, bindir: Path | None = None, log=lambda m: None) -> dict:
    """A base backup of the server at ``url`` into the repository; returns its meta.json."""
    bindir = bindir or embedded_bindir()
    facts = _server_facts(url)
    if facts["system_identifier"] != repo.config["system_identifier"]:
        raise UserError(
            f"the server (system identifier {facts['system_identifier']}) is not the "
            f"one the repository {repo.root} belongs to "
            f"({repo.config['system_identifier']})"
        )
    backups = repo.backups()
    parent = backups[-1] if incremental and backups else None
    if incremental and parent is None:
        raise UserError(f"no backup in {repo.backups_dir} to be incremental on: take a full backup first (pitr backup)")
    with connect(url, autocommit=True) as conn:
        size = conn.execute("SELECT sum(pg_database_size(oid))::bigint FROM pg_database").fetchone()[0]
    # the staging copy, plus the compressed result (at most the same again)
    need_space(repo.backups_dir, int(size * (0.3 if incremental else 1.2)) + (64 << 20), "the base backup")
    started = now_utc()
    label = started.strftime("%Y%m%dT%H%M%S%fZ")[:-4] + ("-I" if incremental else "-F")
    staging = repo.backups_dir / f".staging-{label}"
    final = repo.backups_dir / label
    t0 = time.perf_counter()
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    params["application_name"] = "lokdarpan_pitr_backup"
    params.pop("dbname", None)
    cmd = [
        str(bindir / "pg_basebackup"),
        "-D",
        str(staging),
        "-d",
        make_conninfo("", **params),
        "-Fp",
        "-X",
        "stream",
        "-c",
        "fast",
        "--no-sync",
        "--no-password",
        "-l",
        f"lokdarpan pitr {label}",
    ]
    if parent:
        cmd += ["--incremental", str(parent["dir"] / "backup_manifest")]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=6 * 3600, env=dict(os.environ, LC_ALL="C.UTF-8")
        )
        if proc.returncode != 0:
            err = (proc.stderr.strip().splitlines() or ["failed"])[-1]
            if "No space left" in proc.stderr:
                from ..errors import NoSpaceError

                raise NoSpaceError(f"no space left in {repo.backups_dir} during pg_basebackup: {err}")
            if parent and "WAL summar" in proc.stderr:
                err += " (summarize_wal must have been on since the previous backup: take a full one)"
            raise UserError(f"pg_basebackup failed: {err}")
        with connect(url, autocommit=True) as conn:
            ended = conn.execute("SELECT now()").fetchone()[0]
        tli, start_lsn, end_lsn = _manifest_range(staging / "backup_manifest")
        plain = _dir_bytes(staging)
        final.mkdir()
        data = final / ("data.tar" + repo.suffix)
        pipeline(
            [["tar", "-C", str(staging), "-cf", "-", "."], *repo.encode_cmds()],
            stdout_path=data,
            what=f"writing {data}",
        )
        shutil.copy2(staging / "backup_manifest", final / "backup_manifest")
        meta = {
            "label": label,
            "kind": "incremental" if parent else "full",
            "parent": parent["label"] if parent else None,
            "timeline": tli,
            "start_lsn": start_lsn,
            "end_lsn": end_lsn,
            "start_wal": segment_name(tli, lsn_int(start_lsn) // repo.seg_size, repo.seg_size),
            "started_at": facts["now"].isoformat(),
            "ended_at": ended.isoformat(),
            "server_version": facts["server_version"],
            "file": data.name,
            "sha256": sha256_file(data),
            "stored_bytes": data.stat().st_size,
            "plain_bytes": plain,
            "seconds": round(time.perf_counter() - t0, 2),
            "compression": repo.compression,
            "encrypted": bool(repo.recipient),
        }
        (final / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
        for f in final.iterdir():
            fsync_path(f)
        fsync_path(final)
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    meta["dir"] = final
    log(f"backup {label}: {plain / 1e6:.1f} MB plain, {meta['stored_bytes'] / 1e6:.1f} MB stored")
    return meta


# -- WAL chain ------------------------------------------------------------------------------------
@dataclass
class WalChain:
    """The WAL segments recovery can read in a row on one timeline, and the first gap after them."""

    tli: int
    first: int  # segno
    last: int  # last segno recovery can read without a gap (complete or the open .partial)
    partial: Path | None  # pg_receivewal's open segment, when it is the last one
    gap: int | None  # first missing segno, when later segments exist
    after_gap: int | None  # the next segno present after the gap
    paths: dict[int, Path]


def wal_chain(repo: Repo, tli: int, start_wal: str, covered: int | None = None) -> WalChain:
    """The WAL recovery can read from ``start_wal`` on; segments up to ``covered`` are inside the
    backup itself (its pg_wal), so they need not be in the archive."""
    first = parse_segment(start_wal, repo.seg_size)[1]
    segs = repo.segments(tli)
    partial = repo.partial(tli)
    have = set(segs) | ({partial[0]} if partial else set())
    if covered is not None:
        have |= set(range(first, covered + 1))
    n = first
    while n in have:
        n += 1
    later = sorted(s for s in have if s > n)
    last = n - 1
    part = partial[1] if partial and partial[0] == last and last not in segs else None
    return WalChain(tli, first, last, part, n if later else None, later[0] if later else None, segs)


def last_commit_in(
    repo: Repo, path: Path, name: str, key_file: Path | None, bindir: Path
) -> tuple[str | None, str | None]:
    """(time, LSN) of the last COMMIT record in one archived segment, read with pg_waldump."""
    with tempfile.TemporaryDirectory(prefix="ldpitr-wal-") as tmp:
        dest = Path(tmp) / name
        repo.decode_file(path, dest, key_file)
        proc = subprocess.run(
            [str(bindir / "pg_waldump"), "-r", "Transaction", str(dest)],
            capture_output=True,
            text=True,
            timeout=300,
            env=dict(os.environ, TZ="UTC", LC_ALL="C.UTF-8"),
        )
    when = lsn = None
    for line in proc.stdout.splitlines():
        if "desc: COMMIT " in line:
            when = line.split("desc: COMMIT ", 1)[1].split(";")[0].strip()
            lsn = line.split("lsn: ", 1)[1].split(",")[0] if "lsn: " in line else None
    return when, lsn


def gap_error(repo: Repo, chain: WalChain, key_file: Path | None, bindir: Path) -> WalGapError:
    """The error for a chain with a gap: the missing segment and the last instant recovery reaches."""
    if chain.gap is None or chain.after_gap is None:
        raise ValueError("gap_error() needs a WAL chain with a gap")
    missing = segment_name(chain.tli, chain.gap, repo.seg_size)
    nxt = segment_name(chain.tli, chain.after_gap, repo.seg_size)
    when = lsn = None
    for segno in range(chain.last, max(chain.first - 1, chain.last - 4), -1):
        path = chain.paths.get(segno) or (chain.partial if segno == chain.last else None)
        if path is None:
            continue
        try:
            when, lsn = last_commit_in(repo, path, segment_name(chain.tli, segno, repo.seg_size), key_file, bindir)
        except UserError:
            break
        if when:
            break
    end = segment_name(chain.tli, chain.last, repo.seg_size)
    instant = (
        f"nothing after {when} (the last commit before the gap, LSN {lsn}) can be recovered"
        if when
        else f"nothing after the end of segment {end} can be recovered"
    )
    return WalGapError(
        f"WAL segment {missing} is missing from {repo.wal_dir} (the archive resumes at {nxt}): {instant}"
    )


# -- reading backups back ---------------------------------------------------------------------
def check_stored(meta: dict) -> str | None:
    """What is wrong with a backup's stored file (missing, wrong size, wrong sha256); None if nothing."""
    path = meta["dir"] / meta["file"]
    if not path.is_file():
        return f"backup {meta['label']}: {path} is missing"
    if path.stat().st_size != meta["stored_bytes"]:
        return (
            f"backup {meta['label']}: {path} is damaged or truncated ({path.stat().st_size} "
            f"bytes, {meta['stored_bytes']} when written)"
        )
    digest = sha256_file(path)
    if digest != meta["sha256"]:
        return (
            f"backup {meta['label']}: {path} is damaged (sha256 {digest[:12]}..., "
            f"{meta['sha256'][:12]}... when written)"
        )
    return None


def extract(repo: Repo, meta: dict, dest: Path, key_file: Path | None) -> None:
    """Unpack one backup into ``dest`` (created; must not exist)."""
    dest.mkdir(parents=True)
    dest.chmod(0o700)
    src = meta["dir"] / meta["file"]
    try:
        pipeline(
            [*repo.decode_cmds(key_file), ["tar", "-C", str(dest), "-xf", "-"]],
            stdin_path=src,
            what=f"unpacking backup {meta['label']}",
        )
    except UserError as exc:
        if exc.exit_code != 1:
            raise
        raise DamagedBackupError(f"backup {meta['label']} ({src}) cannot be read: {exc}") from None


def prune_stream(repo: Repo) -> int:
    """Drop pg_receivewal's complete segments that the archive already holds."""
    archived = {p.name[: len(p.name) - len(repo.suffix)] for p in repo.wal_dir.iterdir()}
    n = 0
    for p in repo.stream_dir.iterdir() if repo.stream_dir.exists() else []:
        if p.name in archived:
            p.unlink()
            n += 1
    return n


__all__ = [
    "SLOT",
    "Repo",
    "check_stored",
    "default_repo",
    "extract",
    "prune_stream",
    "setup",
    "start_receiver",
    "stop_receiver",
    "take_backup",
    "wal_chain",
]
