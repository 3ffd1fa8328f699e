"""Streaming replication: make a hot standby of a Cluster with ``pg_basebackup``, wait for it to
catch up, and measure replication lag (for ``ops.check_performance_thresholds()`` and monitoring).

The primary needs ``wal_level = replica``, ``max_wal_senders > 0`` and a ``replication`` line in
``pg_hba.conf`` (``Cluster.init`` writes all three). See docs/operations.md for the recipe by hand.
"""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from pathlib import Path

import psycopg

from ..errors import UserError
from ..retry import poll
from .connect import connect, one
from .embedded import Cluster


@dataclass
class ReplicaLag:
    """One standby as the primary sees it (pg_stat_replication). Lags in seconds (None when the
    standby has not reported one: an idle primary reports no time lag) and in bytes of WAL."""

    application_name: str
    state: str
    sync_state: str
    sent_lsn: str | None
    replay_lsn: str | None
    write_lag_s: float | None
    flush_lag_s: float | None
    replay_lag_s: float | None
    replay_lag_bytes: int | None


def replication_lag(conn: psycopg.Connection) -> list[ReplicaLag]:
    """Lag of every standby connected to the primary ``conn`` is on (empty list: no standby).
    Bytes = pg_current_wal_lsn() - replay_lsn; seconds from write_lag/flush_lag/replay_lag."""
    rows = conn.execute(
        "SELECT application_name, state, sync_state, sent_lsn::text, replay_lsn::text,"
        " extract(epoch FROM write_lag)::float8, extract(epoch FROM flush_lag)::float8,"
        " extract(epoch FROM replay_lag)::float8,"
        " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint"
        " FROM pg_stat_replication ORDER BY application_name, pid"
    ).fetchall()
    return [ReplicaLag(*r) for r in rows]


@dataclass
class StandbyStatus:
    """A standby as it sees itself."""

    in_recovery: bool
    receive_lsn: str | None
    replay_lsn: str | None
    replay_delay_s: float | None  # now() - pg_last_xact_replay_timestamp(); grows when idle


def standby_status(conn: psycopg.Connection) -> StandbyStatus:
    """What a standby has received and replayed, and how long ago it replayed."""
    return StandbyStatus(
        *one(
            conn.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn()::text,"
                " pg_last_wal_replay_lsn()::text,"
                " extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8"
            )
        )
    )


def create_standby(
    primary: Cluster, pgdata: Path, *, start: bool = True, app_name: str = "lokdarpan_standby"
) -> Cluster:
    """A streaming-replication hot standby of the running ``primary`` in ``pgdata`` (must not
    exist or be empty): pg_basebackup -R (as the server OS user, so the files are its own), its
    own socket directory, then started on its own free port."""
    pgdata = Path(pgdata)
    if pgdata.exists() and any(pgdata.iterdir()):
        raise UserError(f"{pgdata} is not empty: a standby needs a new data directory")
    pgdata.mkdir(parents=True, exist_ok=True)
    pgdata.chmod(0o700)
    if primary.os_user:
        pw = pwd.getpwnam(primary.os_user)
        os.chown(pgdata, pw.pw_uid, pw.pw_gid)
        for parent in pgdata.parents:  # the server user must traverse every parent
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)
    conninfo = f"host={primary.pgdata} port={primary.port} user={primary.superuser} application_name={app_name}"
    primary.run(
        "pg_basebackup",
        "-D",
        str(pgdata),
        "-d",
        conninfo,
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
        "--no-password",
        timeout=600,
    )
    standby = Cluster(pgdata, primary.bindir, primary.os_user, primary.superuser)
    with open(pgdata / "postgresql.conf", "a") as fh:  # as root, or as the owner: both may
        fh.write(
            f"\n# standby of {primary.pgdata}\nunix_socket_directories = '{pgdata}'\n"
            "hot_standby = on\nhot_standby_feedback = on\n"
        )
    (pgdata / "server.log").unlink(missing_ok=True)  # the primary's log, copied by the backup
    if start:
        standby.start()
    return standby


def wait_for_replay(primary_url: str, standby_url: str, timeout: float = 60.0) -> str:
    """Wait until the standby has replayed every WAL record the primary had inserted when called;
    returns that LSN. Raises UserError after ``timeout`` seconds."""
    with connect(primary_url, autocommit=True) as p:
        # the insert position: with synchronous_commit = off the write position lags behind it
        target = p.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()[0]
    with connect(standby_url, autocommit=True) as s:
        replayed = poll(
            lambda: one(s.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [target]))[0],
            timeout=timeout,
            interval=0.05,
        )
    if not replayed:
        raise UserError(f"the standby has not replayed up to {target} in {timeout:.0f} s")
    return target
