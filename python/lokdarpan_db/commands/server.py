"""server start|stop|status|url: the embedded PostgreSQL 18 + pgvector."""

from __future__ import annotations

from ..postgres.connect import EMBEDDED_DB, ensure_database
from ..postgres.embedded import Cluster
from . import out


def cmd_server(args) -> int:
    """Start, stop, describe or locate the embedded server."""
    cluster = Cluster.embedded()
    if args.action == "start":
        cluster.start()
        ensure_database(cluster.url("postgres"), EMBEDDED_DB)
        out(args, f"running: {cluster.url(EMBEDDED_DB)} (data {cluster.pgdata})")
    elif args.action == "stop":
        stopped = cluster.stop()
        out(args, "stopped" if stopped else f"not running (data {cluster.pgdata})")
    elif args.action == "status":
        if cluster.running:
            out(args, f"running, pid {cluster.pid_info()[0]}, port {cluster.port}, data {cluster.pgdata}")
        else:
            out(args, f"not running (data {cluster.pgdata})")
            return 1
    elif args.action == "url":
        out(args, cluster.url(EMBEDDED_DB))
    return 0


def register(sub, common) -> None:
    """Add the server command."""
    p = sub.add_parser(
        "server",
        parents=[common],
        help="manage the embedded PostgreSQL (data: $LOKDARPAN_PGDATA or /var/lib/lokdarpan-db/pgdata as root)",
    )
    p.add_argument("action", choices=["start", "stop", "status", "url"])
    p.set_defaults(func=cmd_server)
