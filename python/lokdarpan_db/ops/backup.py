"""Verified backups: ``pg_dump`` in custom format plus a manifest, and a restore that proves the
copy is whole before anyone relies on it.

Backup. One REPEATABLE READ transaction exports its snapshot; ``pg_dump --snapshot`` dumps exactly
that snapshot while the same transaction counts and checksums every table, so the manifest
describes the very data in the dump. The manifest (``<dump>.manifest.json``) holds the dump's
sha256 and size, the server version, the deployed changes (``lokdarpan_meta.change``), per-table
row counts and content checksums, sequence positions and the integrity report.

Restore. The dump's sha256 is checked against the manifest, then ``pg_restore --list`` reads its
table of contents; only then is it restored, always into a NEW database, with
``--exit-on-error``. If anything fails (the restore or, with ``verify``, any comparison) the new
database is dropped: a damaged backup is reported, never half-restored.

The content checksum of a table is order-independent: the sum over its rows of the first 64 bits
of md5(row as text), as a decimal, computed with TimeZone = UTC (so timestamps print the same).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from ..errors import DamagedBackupError, RestoreVerifyError, UserError
from ..postgres.clone import apply_db_role_settings, db_role_settings
from ..postgres.connect import connect, one, redact, server_version_num

MANIFEST_FORMAT = "lokdarpan-db backup manifest"
MANIFEST_VERSION = 1

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


# -- client binaries ----------------------------------------------------------------------------
def _client_major(path: Path) -> int | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"\)\s+(\d+)(?:\.\d+)?", out) or re.search(r"(\d+)\.\d+", out)
    return int(m.group(1)) if m else None


def client_candidates(exe: str, major: int) -> list[Path]:
    """Where a client binary of PostgreSQL ``major`` may be: $LOKDARPAN_PG_BINDIR, the embedded
    build, Debian's /usr/lib/postgresql/<major>/bin, then $PATH."""
    dirs: list[Path] = []
    if os.environ.get("LOKDARPAN_PG_BINDIR"):
        dirs.append(Path(os.environ["LOKDARPAN_PG_BINDIR"]))
    try:
        from ..postgres.embedded import embedded_bindir

        dirs.append(embedded_bindir())
    except UserError:
        pass
    dirs.append(Path(f"/usr/lib/postgresql/{major}/bin"))
    found = [d / exe for d in dirs]
    on_path = shutil.which(exe)
    if on_path:
        found.append(Path(on_path))
    return found


def find_client(exe: str, major: int) -> Path:
    """The ``exe`` (pg_dump, pg_restore) whose major version equals the server's: pg_dump refuses
    a newer server, and an older pg_restore cannot read a newer dump."""
    tried = []
    for path in client_candidates(exe, major):
        if not path.exists():
            continue
        have = _client_major(path)
        tried.append(f"{path} ({have})")
        if have == major:
            return path
    raise UserError(
        f"no {exe} for PostgreSQL {major} found (tried: {', '.join(tried) or 'nothing'}); "
        f"install postgresql-client-{major} or set LOKDARPAN_PG_BINDIR to its bin directory"
    )


def _run(cmd: list[str], timeout: float = 3600) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def _last_line(proc: subprocess.CompletedProcess) -> str:
    lines = (proc.stderr or proc.stdout or "").strip().splitlines()
    return lines[-1] if lines else f"exit status {proc.returncode}"


# -- inventory ------------------------------------------------------------------------------------
def tables(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """Every table holding rows (leaf tables and partitions, not partitioned parents or views)."""
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND c.relpersistence <> 't' AND n.nspname <> ALL(%s)"
            " AND n.nspname NOT LIKE 'pg_temp%%' AND n.nspname NOT LIKE 'pg_toast%%'"
            " ORDER BY 1, 2",
            [list(SYSTEM_SCHEMAS)],
        ).fetchall()
    ]


def table_stats(conn: psycopg.Connection, schema: str, table: str) -> dict:
    """Row count and an order-independent checksum of one table."""
    q = sql.SQL(
        "SELECT count(*), coalesce(sum(('x' || left(md5(lokdarpan_row::text), 16))::bit(64)"
        "::bigint::numeric), 0)::text FROM {} AS lokdarpan_row"
    ).format(sql.Identifier(schema, table))
    rows, checksum = one(conn.execute(q))
    return {"rows": rows, "checksum": checksum}


def inventory(conn: psycopg.Connection) -> dict:
    """Row counts and content checksums of every table, sequence positions, deployed changes and
    the integrity report, as seen by ``conn``'s current snapshot."""
    conn.execute("SET LOCAL TimeZone = 'UTC'")
    conn.execute("SET LOCAL extra_float_digits = 1")
    result: dict = {"tables": {}, "sequences": {}, "deployed_changes": [], "integrity": []}
    for schema, table in tables(conn):
        result["tables"][f"{schema}.{table}"] = table_stats(conn, schema, table)
    for schema, seq, last, called in conn.execute(
        "SELECT schemaname, sequencename, last_value, last_value IS NOT NULL"
        " FROM pg_sequences WHERE schemaname <> ALL(%s) ORDER BY 1, 2",
        [list(SYSTEM_SCHEMAS)],
    ).fetchall():
        result["sequences"][f"{schema}.{seq}"] = last if called else None
    if conn.execute("SELECT to_regclass('lokdarpan_meta.change') IS NOT NULL").fetchone()[0]:
        result["deployed_changes"] = [
            {"change_id": r[0], "deploy_sha256": r[1]}
            for r in conn.execute("SELECT change_id, deploy_sha256 FROM lokdarpan_meta.change ORDER BY seq")
        ]
    if conn.execute("SELECT to_regprocedure('ops.validate_data_integrity()') IS NOT NULL").fetchone()[0]:
        result["integrity"] = integrity(conn)
    # per-database role settings (ALTER ROLE ... IN DATABASE ... SET): pg_dump without --create
    # does not carry them, so the restore re-applies them to the new database
    result["db_role_settings"] = db_role_settings(conn, conn.info.dbname)
    return result


def integrity(conn: psycopg.Connection) -> list[dict]:
    """The rows of ops.validate_data_integrity(), as dicts."""
    return [
        {"check_name": r[0], "status": r[1], "record_count": r[2], "issue": r[3]}
        for r in conn.execute(
            "SELECT check_name, status, record_count, issue_description FROM ops.validate_data_integrity()"
        )
    ]


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest_path_for(dump: Path) -> Path:
    """Where the manifest of a dump lives (beside it, .manifest.json)."""
    return dump.with_name(dump.name + ".manifest.json")


# -- backup ---------------------------------------------------------------------------------------
@dataclass
class Backup:
    """A written backup: the dump, its manifest and the manifest's path."""

    dump: Path
    manifest_path: Path
    manifest: dict


def backup(url: str, out_dir: Path, *, log=lambda msg: None) -> Backup:
    """pg_dump the database at ``url`` into ``out_dir`` with a manifest of counts and checksums."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with connect(url) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        major = server_version_num(conn) // 10000
        pg_dump = find_client("pg_dump", major)
        server_version = conn.execute("SHOW server_version").fetchone()[0]
        dbname = conn.info.dbname
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        dump = out_dir / f"{dbname}-{stamp}.dump"
        log(f"dumping {redact(url)} with {pg_dump} into {dump}")
        proc = _run(
            [
                str(pg_dump),
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={dump}",
                f"--dbname={url}",
            ]
        )
        if proc.returncode != 0:
            dump.unlink(missing_ok=True)
            raise UserError(f"pg_dump failed: {_last_line(proc)}")
        listed = _run([str(find_client("pg_restore", major)), "--list", str(dump)], timeout=600)
        if listed.returncode != 0:  # a dump we cannot read back is no backup
            raise UserError(f"pg_restore --list cannot read the new dump {dump}: {_last_line(listed)}")
        log("counting rows and checksumming tables in the same snapshot")
        inv = inventory(conn)
        conn.rollback()
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": dbname,
        "server_version": server_version,
        "server_major": major,
        "pg_dump": _run([str(pg_dump), "--version"]).stdout.strip(),
        "dump_file": dump.name,
        "dump_bytes": dump.stat().st_size,
        "dump_sha256": sha256_file(dump),
        "checksum_method": "sum of first 64 bits of md5(row::text), TimeZone=UTC",
        **inv,
    }
    mpath = manifest_path_for(dump)
    tmp = mpath.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    tmp.replace(mpath)
    return Backup(dump, mpath, manifest)


# -- restore --------------------------------------------------------------------------------------
@dataclass
class RestoreReport:
    """What a restore produced and what its verification found."""

    database: str
    url: str
    kept: bool
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tables_checked: int = 0
    changes_verified: int = 0

    @property
    def ok(self) -> bool:
        """True when verification found no problem."""
        return not self.problems


def load_manifest(dump: Path, manifest: Path | None = None) -> dict:
    """Read and check the manifest of ``dump`` (a DamagedBackupError when missing or not one)."""
    mpath = Path(manifest) if manifest else manifest_path_for(dump)
    try:
        data = json.loads(mpath.read_text())
    except FileNotFoundError:
        raise DamagedBackupError(f"no manifest for {dump} (expected {mpath})") from None
    except (ValueError, OSError) as exc:
        raise DamagedBackupError(f"manifest {mpath} is unreadable: {exc}") from None
    if data.get("format") != MANIFEST_FORMAT or "dump_sha256" not in data:
        raise DamagedBackupError(f"{mpath} is not a lokdarpan-db backup manifest")
    return data


def check_file(dump: Path, manifest: dict, pg_restore: Path) -> None:
    """Raise DamagedBackupError unless the file is whole (size, sha256) and readable."""
    if not dump.is_file():
        raise DamagedBackupError(f"backup file {dump} does not exist")
    size = dump.stat().st_size
    if size != manifest.get("dump_bytes", size):
        raise DamagedBackupError(
            f"backup file {dump} is damaged or truncated: {size} bytes, the manifest says {manifest['dump_bytes']}"
        )
    digest = sha256_file(dump)
    if digest != manifest["dump_sha256"]:
        raise DamagedBackupError(
            f"backup file {dump} is damaged: sha256 {digest[:12]}... does not match the "
            f"manifest's {manifest['dump_sha256'][:12]}..."
        )
    proc = _run([str(pg_restore), "--list", str(dump)], timeout=600)
    if proc.returncode != 0:
        raise DamagedBackupError(f"backup file {dump} is not a readable dump: {_last_line(proc)}")


def _with_dbname(url: str, name: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = name
    return make_conninfo("", **params)


def _drop_database(admin_url: str, name: str) -> None:
    with connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def restore(
    dump: Path,
    url: str,
    *,
    verify: bool = True,
    into: str | None = None,
    manifest_path: Path | None = None,
    project_dir=None,
    keep_on_failure: bool = False,
    log=lambda msg: None,
) -> RestoreReport:
    """Restore ``dump`` into a new database on the server of ``url`` (whose database is only used
    to connect) and, with ``verify``, prove it equals the manifest. Raises DamagedBackupError when
    the file is damaged (nothing is created, or the new database is dropped), RestoreVerifyError
    when the restored copy differs from the manifest (the new database is dropped unless
    ``keep_on_failure``)."""
    dump = Path(dump)
    manifest = load_manifest(dump, manifest_path)
    with connect(url, autocommit=True) as conn:
        major = server_version_num(conn) // 10000
    if int(manifest.get("server_major", major)) > major:
        raise UserError(
            f"the backup comes from PostgreSQL {manifest['server_major']}; this server "
            f"is {major}: restore it on a server of that version or newer"
        )
    pg_restore = find_client("pg_restore", major)
    log(f"checking {dump} against its manifest")
    check_file(dump, manifest, pg_restore)
    name = (
        into
        or f"{manifest.get('database', 'lokdarpan')}_restore_"
        f"{dt.datetime.now(dt.UTC).strftime('%Y%m%d%H%M%S')}_{uuid.uuid4().hex[:4]}"
    )
    new_url = _with_dbname(url, name)
    with connect(url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise UserError(f"database {name} already exists: restore goes into a new database")
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    report = RestoreReport(name, new_url, kept=True)
    try:
        log(f"restoring into new database {name}")
        proc = _run([str(pg_restore), "--exit-on-error", "--no-password", f"--dbname={new_url}", str(dump)])
        if proc.returncode != 0:
            raise DamagedBackupError(
                f"restore of {dump} failed (a damaged archive, or a role or extension this "
                f"server lacks), database {name} dropped: {_last_line(proc)}"
            )
        apply_db_role_settings(new_url, manifest.get("db_role_settings", []), log)
        if verify:
            _verify(report, manifest, new_url, project_dir, log)
            if report.problems and not keep_on_failure:
                raise RestoreVerifyError(
                    f"restored copy differs from the manifest ({len(report.problems)} problem(s), "
                    f"first: {report.problems[0]}); database {name} dropped"
                )
    except BaseException:
        if not keep_on_failure or not report.problems:
            report.kept = False
            _drop_database(url, name)
        raise
    return report


def _verify(report: RestoreReport, manifest: dict, url: str, project_dir, log) -> None:
    with connect(url) as conn:
        with conn.transaction():
            got = inventory(conn)
    want_tables = manifest.get("tables", {})
    for name in sorted(set(want_tables) | set(got["tables"])):
        want, have = want_tables.get(name), got["tables"].get(name)
        if want is None:
            report.problems.append(f"table {name} is not in the manifest")
        elif have is None:
            report.problems.append(f"table {name} is missing from the restored database")
        elif want["rows"] != have["rows"]:
            report.problems.append(f"table {name}: {have['rows']} rows, manifest {want['rows']}")
        elif want["checksum"] != have["checksum"]:
            report.problems.append(f"table {name}: content checksum differs")
    report.tables_checked = len(got["tables"])
    for seq, last in manifest.get("sequences", {}).items():
        if got["sequences"].get(seq, "missing") != last:
            report.problems.append(f"sequence {seq}: {got['sequences'].get(seq)}, manifest {last}")
    if got["deployed_changes"] != manifest.get("deployed_changes", []):
        report.problems.append("deployed changes (lokdarpan_meta.change) differ from the manifest")
    if got["deployed_changes"] and project_dir is not None:
        from ..migrations.engine import Deployer

        log("running the verify script of every deployed change")
        results = Deployer(url, project_dir).verify()
        report.changes_verified = len(results)
        for change, error in results:
            if error is not None:
                report.problems.append(f"verify {change.change_id} failed: {error}")
        known = {c.change_id for c in Deployer(url, project_dir).plan.changes}
        unknown = [c["change_id"] for c in got["deployed_changes"] if c["change_id"] not in known]
        if unknown:
            report.notes.append(
                f"{len(unknown)} deployed change(s) not in this project's plan, not verified: {', '.join(unknown[:5])}"
            )
    before = {c["check_name"]: c["status"] for c in manifest.get("integrity", [])}
    for check in got["integrity"]:
        status = check["status"]
        if status == "FAIL" and before.get(check["check_name"]) != "FAIL":
            report.problems.append(f"integrity check {check['check_name']} FAILs after restore: {check['issue']}")
        elif status != "PASS":
            report.notes.append(
                f"integrity check {check['check_name']}: {status} "
                f"(at backup: {before.get(check['check_name'], 'absent')}) "
                f"{check['issue']}"
            )
