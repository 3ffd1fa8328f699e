"""deploy, revert, verify, status, plan, check, rebase."""

from __future__ import annotations

from ..console import confirm
from ..errors import EXIT_ERROR, EXIT_TAMPERED, AbortedError
from ..migrations.engine import Deployer, LockRamp
from ..migrations.plan import load_plan
from ..postgres.connect import redact, resolve_url
from . import logger, out, project_dir


def _engine(args) -> Deployer:
    log = logger(args)
    url = resolve_url(args.db, log=log)
    budget = getattr(args, "lock_budget", None)
    return Deployer(
        url,
        project_dir(args),
        log=log,
        lock_wait=getattr(args, "lock_wait", 60.0),
        lock_ramp=LockRamp(budget_s=budget) if budget is not None else None,
    )


def cmd_deploy(args) -> int:
    """Deploy pending changes (or print them with --dry-run)."""
    engine = _engine(args)
    if args.dry_run:
        todo = engine.dry_run(args.to)
        if not todo:
            out(args, "-- nothing to deploy")
        for change, sql in todo:
            out(args, f"-- change {change.change_id} ({change.script('deploy')})")
            out(args, sql.rstrip() + "\n")
        return 0
    done = engine.deploy(args.to)
    logger(args)(f"deployed {len(done)} change(s) to {redact(engine.url)}")
    return 0


def cmd_revert(args) -> int:
    """Revert deployed changes after --to (all of them once confirmed)."""
    engine = _engine(args)
    if args.to is None:
        confirm(
            f"Revert ALL changes from {redact(engine.url)}?",
            yes=args.yes,
            cannot_ask="reverting every change needs confirmation: pass -y (or --to CHANGE)",
            declined="nothing reverted",
        )
    done = engine.revert(args.to, drop_data=args.drop_data)
    logger(args)(f"reverted {len(done)} change(s)")
    return 0


def cmd_rebase(args) -> int:
    """Revert to --onto, then deploy to --to."""
    engine = _engine(args)
    if args.onto is None and not args.yes:
        raise AbortedError("rebasing from the root reverts every change: pass -y or --onto CHANGE")
    reverted, deployed = engine.rebase(args.onto, args.to, drop_data=args.drop_data)
    logger(args)(f"reverted {len(reverted)}, deployed {len(deployed)} change(s)")
    return 0


def cmd_verify(args) -> int:
    """Run every deployed change's verify script; exit 1 when one fails."""
    engine = _engine(args)
    failed = 0
    results = engine.verify()
    for change, error in results:
        out(args, f"{'ok  ' if error is None else 'FAIL'} {change.change_id}" + ("" if error is None else f": {error}"))
        failed += error is not None
    out(args, f"{len(results) - failed} passed, {failed} failed")
    return EXIT_ERROR if failed else 0


def cmd_status(args) -> int:
    """Print deployed and pending changes."""
    engine = _engine(args)
    rows = engine.status()
    pending = 0
    for row in rows:
        if row.deployed is None:
            pending += 1
            out(args, f"  pending   {row.change_id}")
        else:
            when = row.deployed.deployed_at.isoformat(timespec="seconds")
            tag = "deployed" if row.change else "UNKNOWN "
            out(args, f"  {tag}  {row.change_id}  {when}  by {row.deployed.deployed_by}")
    out(args, f"{len(rows) - pending} deployed, {pending} pending ({redact(engine.url)})")
    return 0


def cmd_plan(args) -> int:
    """Print the plan: changes, dependencies, tags."""
    plan = load_plan(project_dir(args))
    out(args, f"project {plan.project}: {len(plan.changes)} changes ({plan.plan_file})")
    for change in plan.changes:
        deps = f" [{' '.join(change.requires)}]" if change.requires else ""
        tags = "".join(f" @{t}" for t in change.tags)
        out(args, f"  {change.change_id}{deps}{tags}  # {change.note}")
    return 0


def cmd_check(args) -> int:
    """Print every problem with what is deployed; exit 3 when there is one."""
    engine = _engine(args)
    problems = engine.check()
    for p in problems:
        out(args, f"FAIL {p}")
    if not problems:
        out(args, "ok: every deployed script matches what was deployed")
    return EXIT_TAMPERED if problems else 0


def register(sub, common) -> None:
    """Add deploy, revert, rebase, verify, status, check and plan."""
    p = sub.add_parser("deploy", parents=[common], help="deploy pending changes")
    p.add_argument("--to", metavar="CHANGE|@TAG", help="deploy up to and including this change")
    p.add_argument("--dry-run", action="store_true", help="print the changes and SQL that would run; change nothing")
    p.add_argument(
        "--lock-wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for another run's deploy lock (default 60)",
    )
    p.add_argument(
        "--lock-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long one change may retry its short lock attempts before exit 4 (default 60)",
    )
    p.set_defaults(func=cmd_deploy)

    p = sub.add_parser("revert", parents=[common], help="revert deployed changes")
    p.add_argument("--to", metavar="CHANGE|@TAG", help="keep this change, revert what follows")
    p.add_argument("-y", "--yes", action="store_true", help="do not ask before reverting all")
    p.add_argument(
        "--drop-data",
        action="store_true",
        help="drop tables of primary data (posts, users, alerts, results...) that still hold rows; "
        "without it such a revert is refused (exit 14), naming the tables and their rows",
    )
    p.add_argument("--lock-wait", type=float, default=60.0, metavar="SECONDS")
    p.add_argument(
        "--lock-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long one change may retry its short lock attempts before exit 4 (default 60)",
    )
    p.set_defaults(func=cmd_revert)

    p = sub.add_parser("rebase", parents=[common], help="revert to a change, then deploy again")
    p.add_argument("--onto", metavar="CHANGE|@TAG", help="revert to this change (default: all)")
    p.add_argument("--to", metavar="CHANGE|@TAG", help="then deploy up to this change")
    p.add_argument("-y", "--yes", action="store_true")
    p.add_argument(
        "--drop-data",
        action="store_true",
        help="drop tables of primary data (posts, users, alerts, results...) that still hold rows; "
        "without it such a revert is refused (exit 14), naming the tables and their rows",
    )
    p.add_argument("--lock-wait", type=float, default=60.0, metavar="SECONDS")
    p.add_argument(
        "--lock-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long one change may retry its short lock attempts before exit 4 (default 60)",
    )
    p.set_defaults(func=cmd_rebase)

    for name, func, text in [
        ("verify", cmd_verify, "run the verify script of every deployed change"),
        ("status", cmd_status, "list deployed and pending changes"),
        ("check", cmd_check, "refuse edited history: compare deployed scripts with the files"),
    ]:
        sub.add_parser(name, parents=[common], help=text).set_defaults(func=func)
    sub.add_parser("plan", parents=[common], help="print the plan").set_defaults(func=cmd_plan)
