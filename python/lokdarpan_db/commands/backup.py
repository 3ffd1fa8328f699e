"""backup [--out DIR], restore FILE [--verify]: verified pg_dump backups."""

from __future__ import annotations

from pathlib import Path

from ..console import Progress
from ..errors import EXIT_HEALTH
from ..ops.backup import backup, restore
from ..postgres.connect import redact, resolve_url
from . import logger, out, project_dir


def cmd_backup(args) -> int:
    """Write a backup and print what its manifest holds."""
    url = resolve_url(args.db, log=logger(args))
    with Progress("backup", enabled=not args.quiet) as bar:
        result = backup(url, Path(args.out), log=bar.step)
    m = result.manifest
    rows = sum(t["rows"] for t in m["tables"].values())
    out(args, f"backup {result.dump} ({m['dump_bytes']} bytes, sha256 {m['dump_sha256']})")
    out(
        args,
        f"manifest {result.manifest_path}: PostgreSQL {m['server_version']}, "
        f"{len(m['deployed_changes'])} deployed changes, {len(m['tables'])} tables, "
        f"{rows} rows",
    )
    return 0


def cmd_restore(args) -> int:
    """Restore a backup into a new database, optionally verified; exit 8 when it differs."""
    url = resolve_url(args.db, log=logger(args))
    with Progress("restore", enabled=not args.quiet) as bar:
        report = restore(
            Path(args.file),
            url,
            verify=args.verify,
            into=args.into,
            manifest_path=Path(args.manifest) if args.manifest else None,
            project_dir=project_dir(args),
            keep_on_failure=args.keep_on_failure,
            log=bar.step,
        )
    for note in report.notes:
        out(args, f"note: {note}")
    for problem in report.problems:
        out(args, f"FAIL {problem}")
    if args.verify:
        out(
            args,
            f"{'verified' if report.ok else 'NOT verified'}: {report.tables_checked} tables "
            f"(row counts and checksums), {report.changes_verified} change verifies, "
            f"integrity checks",
        )
    out(args, f"restored into {report.database}: {redact(report.url)}")
    return 0 if report.ok else EXIT_HEALTH


def register(sub, common) -> None:
    """Add the backup and restore commands."""
    p = sub.add_parser(
        "backup", parents=[common], help="pg_dump (custom format) plus a manifest of counts and checksums"
    )
    p.add_argument(
        "--out", default=".", metavar="DIR", help="directory for the dump and its manifest (default: current directory)"
    )
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore", parents=[common], help="restore a backup into a new database, optionally proving it whole"
    )
    p.add_argument("file", metavar="FILE", help="the .dump file written by `backup`")
    p.add_argument(
        "--verify",
        action="store_true",
        help="compare row counts, checksums and deployed changes with the manifest, "
        "run every change's verify and the integrity checks",
    )
    p.add_argument(
        "--into", metavar="NAME", help="name of the new database (default: <db>_restore_<time>); must not exist"
    )
    p.add_argument("--manifest", metavar="PATH", help="manifest (default: FILE.manifest.json)")
    p.add_argument(
        "--keep-on-failure", action="store_true", help="keep the restored database when --verify finds differences"
    )
    p.set_defaults(func=cmd_restore)
