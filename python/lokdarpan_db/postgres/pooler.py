"""PgBouncer in transaction-pooling mode in front of a cluster the Python layer owns.

Many clients, few server connections: each client holds a server connection only for the length
of one transaction, so 1,000 connected application clients share a handful of backends (a
backend costs memory and, past the core count, only adds context switching; see
docs/operations.md, "Connection pooling").

* **Where.** Its files live in a directory beside the data directory (``<pgdata>-pooler``):
  ``pgbouncer.ini``, its pid file, its log, and its unix socket. The config is rewritten at every
  start, because the server's port is chosen afresh at every server start.
* **Who.** PgBouncer refuses to run as root; like the server it runs as the cluster's
  unprivileged OS user (``setpriv``), and it reaches the server through the server's unix socket.
* **Auth.** The same trust model as the server itself (initdb ``--auth=trust``, which accepts
  local and 127.0.0.1 connections): PgBouncer listens on 127.0.0.1 and on its unix socket only,
  with ``auth_type = trust``; ``auth_query`` (run as the superuser, through the server's socket)
  finds any role of the server, so roles created after the pooler started can log in.
  PgBouncer opens one pool per (database, role): the server applies each role's settings
  (``ALTER ROLE ... IN DATABASE ... SET search_path``) when it logs the pool's connections in,
  so the application role's ``search_path`` applies through the pooler unchanged.
* **Sizing.** ``default_pool_size`` = 2 x cores + 1 server connections per (database, role)
  (the PostgreSQL wiki's rule for CPU-bound work on SSD), ``max_client_conn`` = 2,000, and the
  file-descriptor limit raised to cover every client and server socket.
* **Prepared statements.** PgBouncer 1.18 has no support for protocol-level prepared statements
  in transaction mode: connections the package opens to a pooler disable psycopg's automatic
  preparation (``postgres.connect``); pgbench must use ``-M simple`` or ``-M extended``.
"""

from __future__ import annotations

import os
import pwd
import resource
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import MissingProgramError, UserError
from ..retry import retry
from .embedded import Cluster, _free_port

CONFIG = "pgbouncer.ini"
PORT_FILE = "port"  # the listen port of the running pooler, read by postgres.connect
MAX_CLIENT_CONN = 2000


def default_pool_size(cores: int | None = None) -> int:
    """Server connections per (database, role) pool: 2 x cores + 1."""
    return 2 * (cores or os.cpu_count() or 1) + 1


def fd_limit(max_client_conn: int, server_conns: int) -> int:
    """File descriptors PgBouncer needs: one per client and per server socket, plus slack for
    its log, listening sockets and DNS."""
    return max_client_conn + server_conns + 256


def pgbouncer_binary() -> Path:
    """The pgbouncer executable: $LOKDARPAN_PGBOUNCER, else on PATH, else Debian's /usr/sbin."""
    env = os.environ.get("LOKDARPAN_PGBOUNCER")
    if env:
        candidates = [Path(env)]
    else:
        found = shutil.which("pgbouncer")
        candidates = [Path(found)] if found else []
        candidates.append(Path("/usr/sbin/pgbouncer"))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    where = candidates[0] if env else "PATH or /usr/sbin"
    raise MissingProgramError(
        f"pgbouncer is not installed (looked in {where}): apt-get install pgbouncer "
        "(or set LOKDARPAN_PGBOUNCER to its path)"
    )


class _NotStarted(Exception):
    """pgbouncer -d did not leave a running pooler (the message is its log's tail)."""


@dataclass
class Pooler:
    """The PgBouncer of one cluster (``cluster.pgdata`` + ``-pooler``)."""

    cluster: Cluster
    max_client_conn: int = MAX_CLIENT_CONN
    pool_size: int = 0  # 0: default_pool_size()

    @property
    def dir(self) -> Path:
        """The pooler's directory (config, socket, pid and log files)."""
        return pooler_dir(self.cluster.pgdata)

    @property
    def pidfile(self) -> Path:
        """PgBouncer's pid file."""
        return self.dir / "pgbouncer.pid"

    @property
    def logfile(self) -> Path:
        """PgBouncer's log file."""
        return self.dir / "pgbouncer.log"

    @property
    def size(self) -> int:
        """Server connections per pool: as configured when given, else what the running
        pooler's config says, else ``default_pool_size()``."""
        if self.pool_size:
            return self.pool_size
        if self.running:
            try:
                for line in (self.dir / CONFIG).read_text().splitlines():
                    if line.startswith("default_pool_size = "):
                        return int(line.split("=", 1)[1])
            except (OSError, ValueError):
                pass
        return default_pool_size()

    # -- state -----------------------------------------------------------------------------
    def pid_info(self) -> tuple[int, int] | None:
        """(pid, port) of the running pooler, else None."""
        try:
            pid = int(self.pidfile.read_text().split()[0])
            port = int((self.dir / PORT_FILE).read_text().split()[0])
            os.kill(pid, 0)
        except (FileNotFoundError, IndexError, ValueError, ProcessLookupError):
            return None
        except PermissionError:
            pass
        return pid, port

    @property
    def running(self) -> bool:
        """True when the pooler is running."""
        return self.pid_info() is not None

    @property
    def port(self) -> int:
        """The running pooler's port; UserError when it is not running."""
        info = self.pid_info()
        if info is None:
            raise UserError(f"the pooler in {self.dir} is not running (lokdarpan-db server start --pooler)")
        return info[1]

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        """Its URL over its unix socket (the socket directory holds pgbouncer.ini: the marker
        ``postgres.connect`` recognises a pooler by)."""
        return f"postgresql://{user or self.cluster.superuser}@/{dbname}?host={self.dir}&port={self.port}"

    def tcp_url(self, dbname: str = "postgres", user: str | None = None) -> str:
        """Its URL over TCP on 127.0.0.1."""
        return f"postgresql://{user or self.cluster.superuser}@127.0.0.1:{self.port}/{dbname}"

    # -- config ----------------------------------------------------------------------------
    def config(self, port: int) -> str:
        """The text of pgbouncer.ini for a pooler listening on ``port``."""
        server_port = self.cluster.port
        pool = self.size
        return "\n".join(
            [
                "; written by lokdarpan-db at every pooler start (edits are lost)",
                "[databases]",
                f"* = host={self.cluster.pgdata} port={server_port}",
                "",
                "[pgbouncer]",
                "pool_mode = transaction",
                "listen_addr = 127.0.0.1",
                f"listen_port = {port}",
                f"unix_socket_dir = {self.dir}",
                "auth_type = trust",
                f"auth_user = {self.cluster.superuser}",
                "auth_query = SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = $1",
                f"auth_file = {self.dir / 'userlist.txt'}",
                f"admin_users = {self.cluster.superuser}",
                f"max_client_conn = {self.max_client_conn}",
                f"default_pool_size = {pool}",
                "min_pool_size = 0",
                "reserve_pool_size = 2",
                "reserve_pool_timeout = 1",
                # stay well below the server's max_connections whatever the number of pools
                "max_db_connections = 60",
                "server_lifetime = 3600",
                "server_idle_timeout = 300",
                "ignore_startup_parameters = extra_float_digits,options",
                f"logfile = {self.logfile}",
                f"pidfile = {self.pidfile}",
                "log_connections = 0",
                "log_disconnections = 0",
                "",
            ]
        )

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start the pooler (the server must be running); no-op when it already runs."""
        exe = pgbouncer_binary()
        if self.running:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        self.dir.chmod(0o755)
        (self.dir / "userlist.txt").write_text(f'"{self.cluster.superuser}" ""\n')
        if self.cluster.os_user:
            pw = pwd.getpwnam(self.cluster.os_user)
            for path in (self.dir, *self.dir.iterdir()):
                os.chown(path, pw.pw_uid, pw.pw_gid)
        nofile = fd_limit(self.max_client_conn, 60 + 2)

        def raise_fd_limit() -> None:
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            want = max(nofile, soft)
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(want, hard)))

        def attempt(n: int) -> None:
            port = _free_port()
            (self.dir / CONFIG).write_text(self.config(port))
            cmd = [str(exe), "-d", "-q", str(self.dir / CONFIG)]
            if self.cluster.os_user:
                user = self.cluster.os_user
                cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", *cmd]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd="/", preexec_fn=raise_fd_limit)
            (self.dir / PORT_FILE).write_text(f"{port}\n")
            for _ in range(50):
                if self.running and self._answers(port):
                    return
                time.sleep(0.1)
            (self.dir / PORT_FILE).unlink(missing_ok=True)
            self._kill()
            raise _NotStarted((proc.stderr or "").strip() or self.log_tail())

        try:  # the free port may be taken between choosing and binding it
            retry(attempt, pauses=[0.2] * 4, retry_on=_NotStarted)
        except _NotStarted as exc:
            raise UserError(f"could not start pgbouncer in {self.dir}: {exc}") from None

    def _answers(self, port: int) -> bool:
        import socket

        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.connect(str(self.dir / f".s.PGSQL.{port}"))
            return True
        except OSError:
            return False

    def _kill(self) -> bool:
        try:
            pid = int(self.pidfile.read_text().split()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return False
        try:
            os.kill(pid, signal.SIGTERM)  # immediate shutdown: clients are disconnected
        except ProcessLookupError:
            return False
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.05)
        return False

    def stop(self) -> bool:
        """Stop the pooler; False when it was not running."""
        if not self.running:
            return False
        stopped = self._kill()
        (self.dir / PORT_FILE).unlink(missing_ok=True)
        return stopped

    def log_tail(self, n: int = 3) -> str:
        """The last ``n`` lines of the pooler log, on one line."""
        try:
            lines = self.logfile.read_text(errors="replace").splitlines()
        except OSError:
            return "(no pooler log)"
        return " | ".join(lines[-n:])


def pooler_dir(pgdata: Path) -> Path:
    """The pooler's directory for a data directory: beside it, ``<pgdata>-pooler``."""
    return pgdata.with_name(pgdata.name + "-pooler")


def pooler_port_of(socket_dir: str) -> int | None:
    """The port of the pooler whose files are in ``socket_dir``, or None when it is no pooler's."""
    d = Path(socket_dir)
    try:
        if not (d / CONFIG).is_file():
            return None
        return int((d / PORT_FILE).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
