"""standby create|start|stop|status|lag: a streaming-replication hot standby of the embedded
server, and replication lag as the primary sees it."""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError
from ..postgres.connect import EMBEDDED_DB, connect, resolve_url
from ..postgres.embedded import Cluster
from ..postgres.replication import create_standby, replication_lag, standby_status
from . import logger, out


def cmd_standby(args) -> int:
    """Create, start, stop or describe a hot standby, or print replication lag."""
    if args.action == "lag":
        url = resolve_url(args.db, log=logger(args))
        with connect(url, autocommit=True) as conn:
            if conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                st = standby_status(conn)
                out(
                    args,
                    f"standby: received {st.receive_lsn}, replayed {st.replay_lsn}, "
                    f"last replayed transaction {st.replay_delay_s} s ago",
                )
                return 0
            lags = replication_lag(conn)
        if not lags:
            out(args, "no standby is connected")
            return 1
        for lag in lags:
            out(
                args,
                f"{lag.application_name}: {lag.state} ({lag.sync_state}), replay lag "
                f"{lag.replay_lag_bytes} bytes, {lag.replay_lag_s} s (write "
                f"{lag.write_lag_s} s, flush {lag.flush_lag_s} s)",
            )
        return 0
    if not args.data:
        raise UserError(f"standby {args.action} needs --data DIR (the standby's data directory)")
    primary = Cluster.embedded()
    standby = Cluster(Path(args.data).resolve(), primary.bindir, primary.os_user)
    if args.action == "create":
        if not primary.running:
            raise UserError("the embedded primary is not running (lokdarpan-db server start)")
        standby = create_standby(primary, standby.pgdata)
        out(args, f"standby running: {standby.url(EMBEDDED_DB)} (data {standby.pgdata})")
    elif args.action == "start":
        standby.start()
        out(args, f"standby running: {standby.url(EMBEDDED_DB)}")
    elif args.action == "stop":
        out(args, "stopped" if standby.stop() else "not running")
    elif args.action == "status":
        if not standby.running:
            out(args, f"not running (data {standby.pgdata})")
            return 1
        out(args, f"running, port {standby.port}, data {standby.pgdata}")
    return 0


def register(sub, common) -> None:
    """Add the standby command."""
    p = sub.add_parser(
        "standby",
        parents=[common],
        help="hot standby of the embedded server (create/start/stop/status), or replication lag (lag)",
    )
    p.add_argument("action", choices=["create", "start", "stop", "status", "lag"])
    p.add_argument("--data", metavar="DIR", help="the standby's data directory")
    p.set_defaults(func=cmd_standby)
