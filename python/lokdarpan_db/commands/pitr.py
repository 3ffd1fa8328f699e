"""pitr setup|backup|status|verify|restore|stop|prune: point-in-time recovery from a WAL archive
and base backups (full and incremental) in a repository directory (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from ..errors import EXIT_BACKUP, EXIT_WAL_GAP, UserError
from ..ops import pitr, pitr_check
from ..ops.pitr_restore import Target, restore, stop
from ..ops.pitr_store import Repo
from ..postgres.connect import EMBEDDED_DB, ensure_database, redact
from ..postgres.embedded import Cluster, embedded_bindir
from . import logger, out


def _server(args) -> tuple[Cluster | None, str]:
    """(the embedded cluster or None, a URL of its postgres database)."""
    if args.db:
        return None, args.db
    cluster = Cluster.embedded()
    if not cluster.running:
        cluster.start()
        ensure_database(cluster.url("postgres"), EMBEDDED_DB)
    return cluster, cluster.url("postgres")


def _repo_dir(args, cluster: Cluster | None) -> Path:
    if args.repo:
        return Path(args.repo).resolve()
    return pitr.default_repo(cluster if cluster is not None or args.db else Cluster.embedded())


def _key(args) -> Path | None:
    return Path(args.key_file).resolve() if getattr(args, "key_file", None) else None


def _mb(n: int | None) -> str:
    return "-" if n is None else f"{n / 1e6:,.1f} MB"


def cmd_pitr(args) -> int:
    """Run ``lokdarpan-db pitr ACTION`` (setup, backup, status, verify, restore, stop, prune); the exit code."""
    log = logger(args)
    action = args.action
    if action == "stop":
        return _stop(args)
    if action == "restore":
        return _restore(args, log)
    if action in ("verify", "prune"):
        repo = Repo.open(_repo_dir(args, None if args.db else Cluster.embedded()))
        return _verify(args, repo, log) if action == "verify" else _prune(args, repo)
    if action == "status" and not args.db and not Cluster.embedded().running:
        repo = Repo.open(_repo_dir(args, Cluster.embedded()))  # a stopped server stays stopped
        return _status(args, repo, None)
    cluster, url = _server(args)
    repo_dir = _repo_dir(args, cluster)
    if action == "setup":
        rep = pitr.setup(
            repo_dir,
            cluster=cluster,
            url=url,
            compression=args.compress,
            key_file=_key(args),
            stream=args.stream,
            synchronous=args.synchronous,
            log=log,
        )
        if not rep.applied:
            out(
                args,
                f"repository {rep.repo}. On the server, set (postgresql.conf or ALTER "
                "SYSTEM; archive_mode and wal_level need a restart), with "
                f"{rep.repo}/bin/archive-wal installed at that path on the database host:",
            )
            for name, value in rep.settings.items():
                out(args, f"  {name} = '{value}'")
        for miss in rep.missing:
            out(args, f"NOT SET {miss}")
        for note in rep.notes:
            out(args, note)
        if rep.missing:
            return 1
        out(
            args,
            f"PITR repository ready: {rep.repo} ({Repo.open(rep.repo).compression}, "
            f"{'encrypted with age' if Repo.open(rep.repo).recipient else 'not encrypted'})",
        )
        return 0
    repo = Repo.open(repo_dir)
    if action == "backup":
        meta = pitr.take_backup(
            repo, url, incremental=args.incremental, bindir=cluster.bindir if cluster else None, log=log
        )
        pitr.prune_stream(repo)
        out(
            args,
            f"{meta['kind']} backup {meta['label']}"
            f"{' on ' + meta['parent'] if meta['parent'] else ''}: {_mb(meta['plain_bytes'])}"
            f" of data, {_mb(meta['stored_bytes'])} stored ({meta['compression']}"
            f"{', age' if meta['encrypted'] else ''}) in {meta['seconds']:.1f} s; "
            f"LSN {meta['start_lsn']}..{meta['end_lsn']}, restorable from {meta['ended_at']}",
        )
        return 0
    if action == "status":
        return _status(args, repo, url)
    raise UserError(f"unknown action {action}")


def _status(args, repo: Repo, url: str | None) -> int:
    st = pitr_check.status(repo, url)
    out(
        args,
        f"repository {st['repo']}: compression {st['compression']}, "
        f"{'encrypted to ' + st['recipient'] if st['recipient'] else 'not encrypted'}",
    )
    if not st["backups"]:
        out(args, "no backups yet (pitr backup)")
    for b in st["backups"]:
        out(
            args,
            f"  {b['label']}  {b['kind']:<11} {'on ' + b['parent'] if b['parent'] else '':<24}"
            f" ended {b['ended_at']}  {_mb(b['stored_bytes'])} stored",
        )
    out(args, f"oldest restorable instant: {st['oldest_restorable'] or '-'}")
    chain = st.get("wal_chain")
    if chain is not None:
        from ..ops.pitr_store import segment_name

        last = segment_name(chain.tli, chain.last, repo.seg_size)
        gap = f"; GAP: {segment_name(chain.tli, chain.gap, repo.seg_size)} missing" if chain.gap is not None else ""
        out(args, f"WAL: continuous up to {last}{' (open, streamed)' if chain.partial else ''}{gap}")
    out(args, f"last archived WAL in the repository: {st['newest_wal'] or '-'}")
    srv = st.get("server")
    if srv:
        lag = f"{srv['lag_s']:.0f} s ago" if srv["lag_s"] is not None else "never"
        out(
            args,
            f"server: archived {srv['archived_count']} files, last {srv['last_archived_wal']} "
            f"({lag}), now writing {srv['current_wal']}; failed {srv['failed_count']}"
            f"{' (last ' + str(srv['last_failed_wal']) + ')' if srv['failed_count'] else ''}",
        )
    elif st.get("server_error"):
        out(args, f"server: {st['server_error']}")
    elif url is None:
        out(args, "server: the embedded server is not running")
    stream = st.get("stream")
    if stream:
        out(
            args,
            f"stream: {stream[0]} {stream[1]} ({stream[2]}), written {stream[3]}, "
            f"fsynced {stream[4]}, {stream[5]} bytes behind the server",
        )
    elif st["receiver_pid"]:
        out(args, f"stream: receiver running (pid {st['receiver_pid']}), not connected")
    if chain is not None and chain.gap is not None:
        return EXIT_WAL_GAP
    return 0


def _verify(args, repo: Repo, log) -> int:
    rep = pitr_check.verify(repo, _key(args), log=log)
    for note in rep.notes:
        out(args, f"note: {note}")
    for problem in rep.problems:
        out(args, f"FAIL {problem}")
    out(
        args,
        f"{'verified' if not rep.problems else 'NOT verified'}: {rep.backups_checked} "
        f"backups, {rep.wal_checked} WAL segments",
    )
    if rep.damaged:
        return EXIT_BACKUP
    if rep.gap:
        return EXIT_WAL_GAP
    return 0


def _prune(args, repo: Repo) -> int:
    if args.keep_full is None:
        raise UserError("pitr prune needs --keep-full N")
    res = pitr_check.prune(repo, args.keep_full, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    out(
        args,
        f"{verb} {len(res['deleted_backups'])} backups "
        f"({', '.join(res['deleted_backups']) or 'none'}) and {len(res['deleted_wal'])} WAL "
        f"files, {_mb(res['freed'])}; kept {len(res['kept'])} backups from "
        f"{res['oldest_kept']} on",
    )
    return 0


def _restore(args, log) -> int:
    if not args.into:
        raise UserError("pitr restore needs --into DIR (a new data directory)")
    targets = [
        t
        for t in (
            args.to_time and Target("time", args.to_time),
            args.to_lsn and Target("lsn", args.to_lsn),
            args.to_latest and Target("latest"),
        )
        if t
    ]
    if len(targets) != 1:
        raise UserError("pitr restore needs exactly one of --to-time T, --to-latest, --to-lsn L")
    source = None if args.db else Cluster.embedded()
    repo = Repo.open(_repo_dir(args, source))
    bindir = source.bindir if source else embedded_bindir()
    os_user = source.os_user if source else Cluster.embedded().os_user
    res = restore(
        repo,
        targets[0],
        Path(args.into),
        bindir=bindir,
        os_user=os_user,
        key_file=_key(args),
        source_pgdata=source.pgdata if source else None,
        prove=not args.no_prove,
        log=log,
    )
    out(
        args,
        f"restored {' + '.join(res.chain)} to {targets[0].describe()}: last transaction "
        f"replayed {res.recovered_to or '-'}, WAL at {res.recovered_lsn}; open after "
        f"{res.seconds_to_open:.1f} s",
    )
    for p in res.proofs:
        rows = sum(p.tables.values())
        checks: dict[str, int] = {}
        for c in p.integrity:
            checks[c["status"]] = checks.get(c["status"], 0) + 1
        out(
            args,
            f"database {p.name}: {p.changes} deployed changes"
            f"{' (last ' + p.last_change + ')' if p.last_change else ''}, {len(p.tables)} "
            f"tables, {rows:,} rows; integrity "
            f"{', '.join(f'{n} {s}' for s, n in sorted(checks.items())) or 'not deployed'}",
        )
        for table, n in sorted(p.tables.items()):
            if n and not args.quiet:
                out(args, f"  {table} {n:,}")
    for problem in res.problems:
        out(args, f"FAIL {problem}")
    out(args, f"stop it with: lokdarpan-db pitr stop {res.cluster.pgdata}")
    print(redact(res.url), flush=True)  # the last line, even with -q
    return 8 if res.problems else 0


def _stop(args) -> int:
    if not args.target:
        raise UserError("pitr stop needs DIR (the restored data directory)")
    ref = Cluster.embedded()
    out(args, "stopped" if stop(Path(args.target), ref.bindir, ref.os_user) else "not running")
    return 0


def register(sub, common) -> None:
    """Add the ``pitr`` command and its options to the CLI."""
    p = sub.add_parser(
        "pitr",
        parents=[common],
        help="point-in-time recovery: WAL archive, full/incremental base backups, restore to any second",
    )
    p.add_argument("action", choices=["setup", "backup", "status", "verify", "restore", "stop", "prune"])
    p.add_argument("target", nargs="?", metavar="DIR", help="pitr stop: the restored data directory")
    p.add_argument("--repo", metavar="DIR", help="the backup repository (default: <data directory>/../pitr)")
    p.add_argument(
        "--key-file",
        metavar="FILE",
        help="age identity: setup creates it (or uses it) and encrypts the repository "
        "to its public key; verify/restore need it to read",
    )
    p.add_argument(
        "--compress",
        choices=["zstd", "lz4", "gzip", "none"],
        help="setup: compression of backups and WAL (default: zstd when installed)",
    )
    p.add_argument(
        "--stream",
        action="store_true",
        default=None,
        help="setup: also stream WAL with pg_receivewal through a replication slot",
    )
    p.add_argument("--no-stream", dest="stream", action="store_false", help="setup: stop streaming and drop the slot")
    p.add_argument(
        "--synchronous",
        action="store_true",
        help="setup: the streamed copy is a synchronous standby (commits wait for it)",
    )
    p.add_argument("--incremental", action="store_true", help="backup: only blocks changed since the previous backup")
    p.add_argument("--to-time", metavar="T", help="restore: recover to this instant (with zone)")
    p.add_argument("--to-latest", action="store_true", help="restore: recover all WAL there is")
    p.add_argument("--to-lsn", metavar="L", help="restore: recover to this WAL position")
    p.add_argument("--into", metavar="DIR", help="restore: the new data directory")
    p.add_argument("--no-prove", action="store_true", help="restore: skip counting rows and the integrity checks")
    p.add_argument(
        "--keep-full", type=int, help="prune: full backups to keep (with their incrementals and the WAL they need)"
    )
    p.add_argument("--dry-run", action="store_true", help="prune: only say what would go")
    p.set_defaults(func=cmd_pitr)
