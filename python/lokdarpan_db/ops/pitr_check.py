"""PITR checks on a repository: ``status`` (the chain, the oldest restorable instant, archive and
stream lag), ``verify`` (sha256 of every stored file, ``pg_verifybackup`` of every backup, every
archived segment against SHA256SUMS, no gap in the WAL) and ``prune --keep-full N``."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DamagedBackupError, UserError
from ..postgres.connect import connect, one
from ..postgres.embedded import embedded_bindir
from .pitr import SLOT, _receiver_pid, check_stored, extract, gap_error, prune_stream, wal_chain
from .pitr_store import Repo, lsn_int, parse_segment, segment_name, sha256_file


def status(repo: Repo, url: str | None) -> dict:
    """The repository's backups, WAL and receiver, and (with ``url``) the server's archiver and
    streaming state."""
    backups = repo.backups()
    st: dict = {
        "repo": str(repo.root),
        "compression": repo.compression,
        "recipient": repo.recipient,
        "backups": backups,
        "receiver_pid": _receiver_pid(repo),
    }
    st["oldest_restorable"] = backups[0]["ended_at"] if backups else None
    files = sorted(n for n in repo.wal_files() if parse_segment(n, repo.seg_size))
    st["newest_wal"] = files[-1] if files else None
    if backups:
        last = backups[-1]
        first = backups[0]
        st["wal_chain"] = wal_chain(
            repo, last["timeline"], first["start_wal"], covered=lsn_int(first["end_lsn"]) // repo.seg_size
        )
    if url:
        try:
            with connect(url, autocommit=True) as conn:
                st["server"] = dict(
                    zip(
                        [
                            "archived_count",
                            "last_archived_wal",
                            "last_archived_time",
                            "failed_count",
                            "last_failed_wal",
                            "last_failed_time",
                            "now",
                            "current_wal",
                            "lag_s",
                        ],
                        one(
                            conn.execute(
                                "SELECT archived_count, last_archived_wal, last_archived_time, failed_count,"
                                " last_failed_wal, last_failed_time, now(),"
                                " pg_walfile_name(pg_current_wal_lsn()),"
                                " extract(epoch FROM now() - last_archived_time)::float8"
                                " FROM pg_stat_archiver"
                            )
                        ),
                        strict=True,
                    )
                )
                st["stream"] = conn.execute(
                    "SELECT application_name, state, sync_state, write_lsn::text, flush_lsn::text,"
                    " pg_wal_lsn_diff(pg_current_wal_lsn(), write_lsn)::bigint"
                    " FROM pg_stat_replication WHERE application_name = %s",
                    [SLOT],
                ).fetchone()
        except UserError as exc:
            st["server_error"] = str(exc)
    return st


@dataclass
class VerifyReport:
    """What ``verify`` found: problems, notes, and how many backups and WAL files it checked."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    damaged: bool = False
    gap: bool = False
    backups_checked: int = 0
    wal_checked: int = 0


def verify(repo: Repo, key_file: Path | None, *, bindir: Path | None = None, log=lambda m: None) -> VerifyReport:
    """Check every backup and archived WAL file against its recorded size and sha256 (unpacking them
    when they can be read), and the WAL chain for gaps."""
    bindir = bindir or embedded_bindir()
    rep = VerifyReport()
    backups = repo.backups()
    can_read = not repo.recipient or key_file or os.environ.get("LOKDARPAN_PITR_KEY")
    if repo.recipient and can_read:
        repo.check_key(key_file)
    if not can_read:
        rep.notes.append(
            "the repository is encrypted and no --key-file was given: backups and "
            "WAL were checked against their sha256 only, not unpacked"
        )
    for meta in backups:
        rep.backups_checked += 1
        problem = check_stored(meta)
        if problem:
            rep.problems.append(problem)
            rep.damaged = True
            continue
        if not can_read:
            continue
        log(f"pg_verifybackup {meta['label']}")
        with tempfile.TemporaryDirectory(prefix=".verify-", dir=repo.backups_dir) as tmp:
            try:
                extract(repo, meta, Path(tmp) / "b", key_file)
            except UserError as exc:
                rep.problems.append(str(exc))
                rep.damaged = True
                continue
            proc = subprocess.run(
                [str(bindir / "pg_verifybackup"), "-q", str(Path(tmp) / "b")],
                capture_output=True,
                text=True,
                timeout=3600,
            )
            if proc.returncode != 0:
                lines = (proc.stderr or proc.stdout).strip().splitlines()
                rep.problems.append(f"backup {meta['label']}: pg_verifybackup: " + "; ".join(lines[:3]))
                rep.damaged = True
    if backups:
        oldest = backups[0]
        chain = wal_chain(
            repo, backups[-1]["timeline"], oldest["start_wal"], covered=lsn_int(oldest["end_lsn"]) // repo.seg_size
        )
        if chain.gap is not None:
            rep.problems.append(
                str(
                    gap_error(repo, chain, key_file if can_read else None, bindir)
                    if can_read
                    else f"WAL segment {segment_name(chain.tli, chain.gap, repo.seg_size)}"
                    f" is missing from {repo.wal_dir}"
                )
            )
            rep.gap = True
        sums = repo.wal_sums()
        for segno in range(chain.first, chain.last + 1):
            path = chain.paths.get(segno)
            if path is None or path.parent != repo.wal_dir or not can_read:
                continue
            name = segment_name(chain.tli, segno, repo.seg_size)
            rep.wal_checked += 1
            with tempfile.TemporaryDirectory(prefix=".verify-wal-", dir=repo.root) as tmp:
                try:
                    repo.decode_file(path, Path(tmp) / name, key_file)
                    digest = sha256_file(Path(tmp) / name)
                except UserError as exc:
                    rep.problems.append(f"WAL segment {path} cannot be read: {exc}")
                    rep.damaged = True
                    continue
            if sums.get(name) and sums[name] != digest:
                rep.problems.append(f"WAL segment {path} is damaged (sha256 differs from SHA256SUMS)")
                rep.damaged = True
    return rep


def prune(repo: Repo, keep_full: int, *, dry_run: bool = False) -> dict:
    """Keep the newest ``keep_full`` full backups, every incremental built on them, and the WAL
    from the oldest kept backup's start on; delete the rest."""
    if keep_full < 1:
        raise UserError("--keep-full must be at least 1")
    backups = repo.backups()
    fulls = [b for b in backups if b["kind"] == "full"]
    if len(fulls) <= keep_full:
        return {
            "deleted_backups": [],
            "deleted_wal": [],
            "kept": [b["label"] for b in backups],
            "freed": 0,
            "oldest_kept": backups[0]["label"] if backups else None,
        }
    oldest = fulls[-keep_full]
    keep = [b for b in backups if repo.chain(b, backups)[0]["ended_at"] >= oldest["ended_at"]]
    kept_labels = {b["label"] for b in keep}
    drop = [b for b in backups if b["label"] not in kept_labels]
    start = parse_segment(oldest["start_wal"], repo.seg_size)
    if start is None:
        raise DamagedBackupError(
            f"backup {oldest['label']}: its meta.json names no WAL segment as start_wal ({oldest['start_wal']!r})"
        )
    tli, first = start
    dead_wal = []
    for name, path in repo.wal_files().items():
        parsed = parse_segment(name.split(".")[0], repo.seg_size)
        if name.endswith(".history") or parsed is None:
            continue
        if parsed[0] < tli or (parsed[0] == tli and parsed[1] < first):
            dead_wal.append(path)
    freed = sum(p.stat().st_size for p in dead_wal) + sum(b["stored_bytes"] for b in drop)
    if not dry_run:
        for b in drop:
            shutil.rmtree(b["dir"])
        for p in dead_wal:
            p.unlink()
        dead_names = {
            p.name[: len(p.name) - len(repo.suffix)] if p.parent == repo.wal_dir else p.name for p in dead_wal
        }
        sums = repo.wal_dir / "SHA256SUMS"
        if sums.exists():
            lines = [ln for ln in sums.read_text().splitlines() if ln.partition(" ")[0] not in dead_names]
            tmp = repo.wal_dir / ".SHA256SUMS.tmp"
            tmp.write_text("".join(ln + "\n" for ln in lines))
            chown_tree_like(tmp, sums)
            tmp.replace(sums)
        prune_stream(repo)
    return {
        "deleted_backups": [b["label"] for b in drop],
        "deleted_wal": sorted(p.name for p in dead_wal),
        "kept": sorted(kept_labels),
        "freed": freed,
        "oldest_kept": oldest["label"],
    }


def chown_tree_like(path: Path, like: Path) -> None:
    """Give ``path`` the owner and group of ``like``."""
    st = like.stat()
    os.chown(path, st.st_uid, st.st_gid)
