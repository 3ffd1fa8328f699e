"""server start|stop|status|url [--pooler]: the embedded PostgreSQL 18 + pgvector and its
PgBouncer (transaction pooling)."""

from __future__ import annotations

from ..postgres.connect import EMBEDDED_DB, ensure_database
from ..postgres.embedded import Cluster
from ..postgres.pooler import Pooler, pgbouncer_binary
from . import out


def cmd_server(args) -> int:
    """Start, stop, describe or locate the embedded server."""
    cluster = Cluster.embedded()
    pooler = Pooler(cluster, pool_size=getattr(args, "pool_size", 0) or 0)
    if args.action == "start":
        if args.pooler:
            pgbouncer_binary()  # a missing pgbouncer is reported before anything starts
        cluster.start()
        ensure_database(cluster.url("postgres"), EMBEDDED_DB)
        out(args, f"running: {cluster.url(EMBEDDED_DB)} (data {cluster.pgdata})")
        if args.pooler:
            pooler.start()
            out(
                args,
                f"pooler running: {pooler.url(EMBEDDED_DB)} (transaction pooling, "
                f"{pooler.size} server connections per database and role, "
                f"up to {pooler.max_client_conn} clients; files {pooler.dir})",
            )
    elif args.action == "stop":
        if pooler.stop():
            out(args, "pooler stopped")
        stopped = cluster.stop()
        out(args, "stopped" if stopped else f"not running (data {cluster.pgdata})")
    elif args.action == "status":
        info = pooler.pid_info()
        server = cluster.pid_info()
        if server:
            out(args, f"running, pid {server[0]}, port {server[1]}, data {cluster.pgdata}")
        else:
            out(args, f"not running (data {cluster.pgdata})")
        if info:
            out(args, f"pooler running, pid {info[0]}, port {info[1]}, files {pooler.dir}")
        elif args.pooler:
            out(args, f"pooler not running (files {pooler.dir})")
        if not server or (args.pooler and not info):
            return 1
    elif args.action == "url":
        out(args, pooler.url(EMBEDDED_DB) if args.pooler else cluster.url(EMBEDDED_DB))
    return 0


def register(sub, common) -> None:
    """Add the server command."""
    p = sub.add_parser(
        "server",
        parents=[common],
        help="manage the embedded PostgreSQL (data: $LOKDARPAN_PGDATA or /var/lib/lokdarpan-db/pgdata as root)",
    )
    p.add_argument("action", choices=["start", "stop", "status", "url"])
    p.add_argument(
        "--pooler",
        action="store_true",
        help="start: also start PgBouncer (transaction pooling) in front of it; "
        "url: print the pooler's URL; status: fail when it is not running "
        "(stop always stops it)",
    )
    p.add_argument(
        "--pool-size",
        type=int,
        default=0,
        metavar="N",
        help="start --pooler: server connections per database and role (default 2 x cores + 1)",
    )
    p.set_defaults(func=cmd_server)
