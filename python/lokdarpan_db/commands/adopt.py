"""adopt: take over a live legacy LokDarpan application database (docs/adopt.md).

``plan`` reads only; ``start`` deploys, installs change capture, backfills (resumable) and turns
on continuous apply; ``status`` shows progress and the capture backlog; ``verify`` exits 8 on any
difference; ``requeue`` retries the quarantined rows after the DBA added ward aliases;
``cutover`` puts compatibility objects under the legacy names, ``rollback`` undoes it with every
row carried back, ``finish`` ends the adoption.
"""

from __future__ import annotations

from ..adopt import run
from ..console import Progress, print_table
from ..postgres.connect import redact, resolve_url
from . import logger, out, project_dir


def cmd_plan(args) -> int:
    """Print what `adopt start` would do; change nothing."""
    url = resolve_url(args.db, log=logger(args))
    survey, preview = run.plan(url, args.legacy_schema, args.legacy_timezone)
    out(
        args,
        f"legacy schema {survey.schema} ({redact(url)}); server TimeZone {survey.server_timezone}; "
        f"naive timestamps read in {survey.timezone}",
    )
    out(args, f"Alembic revision: {survey.alembic_revision or 'none (no alembic_version table)'}")
    print_table(
        ("table", "rows", "max id", "sequence next", "capture"),
        [(t.name, t.rows, t.max_id, t.sequence_next, "installed" if t.captured else "not yet") for t in survey.tables],
        title="legacy tables",
    )
    print_table(
        ("table", "legacy column", "goes to"),
        [
            (t.name, c, run.legacy.COLUMNS.get(t.name, {}).get(c, "legacy_extra (unknown column)"))
            for t in survey.tables
            for c in t.columns
        ],
        title="column mapping",
    )
    print_table(
        ("kind", "object", "on", "what happens"),
        [(d.kind, d.name, d.on, d.action) for d in survey.dependents],
        title="dependent objects",
    )
    out(args, "name clashes: " + (", ".join(survey.clashes) if survey.clashes else "none"))
    if preview is None:
        out(args, "quarantine preview: needs the plan deployed (adopt start deploys it; or lokdarpan-db deploy first)")
    else:
        print_table(
            ("table", "reason", "rows", "examples (id label)"),
            [(p.table, p.reason, p.rows, "; ".join(p.examples)) for p in preview],
            title="quarantine preview",
        )
        out(
            args,
            f"would quarantine {sum(p.rows for p in preview)} row(s); "
            f"add ward aliases (adopt.ward_alias) for the unknown_ward ones before start",
        )
    for w in survey.warnings:
        out(args, f"warning: {w}")
    return 0


def cmd_start(args) -> int:
    """Deploy if needed, install change capture, backfill (resumable)."""
    url = resolve_url(args.db, log=logger(args))
    with Progress("backfill", enabled=not args.quiet) as bar:

        def progress(table: str, done: int, total: int) -> None:
            bar.update(done, total=total, status=table)

        result = run.start(
            url,
            args.legacy_schema,
            args.legacy_timezone,
            project_dir=project_dir(args),
            batch_size=args.batch_size,
            max_rate=args.max_rate,
            jobs=args.jobs,
            log=bar.note if not args.quiet else (lambda m: None),
            progress=progress,
        )
    print_table(
        ("table", "rows read", "adopted", "quarantined"),
        [(r.table, r.rows, r.adopted, r.quarantined) for r in result],
        title="this run",
    )
    out(
        args,
        "backfill done; continuous apply is on: every later legacy write reaches core in the writer's "
        "own transaction (adopt status shows any backlog a failed apply left)",
    )
    return 0


def cmd_status(args) -> int:
    """Print the adoption's phase and counts per legacy table."""
    url = resolve_url(args.db, log=logger(args))
    rows = run.status(url)
    out(args, f"adoption phase: {run.phase(url)}")
    print_table(
        ("table", "phase", "legacy rows", "adopted", "quarantined", "remaining", "backlog", "backlog age s"),
        [
            (
                r.table,
                r.phase,
                r.legacy_rows,
                r.adopted,
                r.quarantined,
                r.remaining,
                r.backlog,
                None if r.backlog_age_s is None else round(r.backlog_age_s, 1),
            )
            for r in rows
        ],
    )
    return 0


def cmd_verify(args) -> int:
    """Compare legacy rows with their adopted or quarantined copies; exit 8 on any difference."""
    url = resolve_url(args.db, log=logger(args))
    res = run.verify(url, jobs=args.jobs)
    print_table(("table", "legacy rows", "adopted", "quarantined", "pending", "differences"), res.rows)
    for t, legacy_id, problem in res.differences[:50]:
        out(args, f"difference: {t} id {legacy_id}: {problem}")
    if len(res.differences) > 50:
        out(args, f"... and {len(res.differences) - 50} more")
    if res.ward_months:
        bad = res.month_differences
        out(
            args,
            f"posts per (ward, month): {len(res.ward_months)} groups, {len(bad)} differ, "
            f"{sum(g[5] for g in res.ward_months)} post(s) pending",
        )
        if bad:
            print_table(
                ("ward (quarantined: raw label)", "month", "legacy", "adopted", "quarantined", "pending"),
                [(w, m.strftime("%Y-%m"), n, a, q, p) for w, m, n, a, q, p, _ in bad[:50]],
                title="differing (ward, month) groups",
            )
    out(
        args,
        "verify: OK"
        if res.ok
        else f"verify: {len(res.differences)} row difference(s), {len(res.month_differences)} (ward, month) group(s)",
    )
    return 0 if res.ok else run.VERIFY_FAILED


def cmd_requeue(args) -> int:
    """Retry the quarantined rows (after the DBA added ward aliases)."""
    url = resolve_url(args.db, log=logger(args))
    result = run.requeue(url, batch_size=args.batch_size)
    print_table(
        ("table", "retried", "adopted now", "still quarantined"),
        [(r.table, r.rows, r.adopted, r.quarantined) for r in result],
    )
    return 0


def _switch_report(args, what: str, res: run.SwitchResult) -> None:
    for m in res.messages:
        out(args, m)
    out(args, f"{what}: the locking transaction took {res.switch_s * 1000:.0f} ms; {res.total_s:.1f} s in all")


def cmd_cutover(args) -> int:
    """Drain, then switch the application to the compatibility objects in one short transaction."""
    url = resolve_url(args.db, log=logger(args))
    res = run.cutover(url, log=logger(args), lock_budget_s=args.lock_budget)
    _switch_report(args, "cutover", res)
    out(args, "the application now reads and writes core through the legacy names; adopt rollback undoes it")
    return 0


def cmd_rollback(args) -> int:
    """Put the legacy tables back under their names with every row written since cutover."""
    url = resolve_url(args.db, log=logger(args))
    res = run.rollback(url, log=logger(args), lock_budget_s=args.lock_budget)
    _switch_report(args, "rollback", res)
    return 0


def cmd_finish(args) -> int:
    """End capture; keep or drop lokdarpan_legacy."""
    url = resolve_url(args.db, log=logger(args))
    for m in run.finish(url, drop_legacy=args.drop_legacy, log=logger(args)):
        out(args, m)
    out(
        args,
        "adoption finished"
        + ("" if args.drop_legacy else "; lokdarpan_legacy is kept (finish --drop-legacy drops it)"),
    )
    return 0


def register(sub, common) -> None:
    """Add the adopt command group."""
    p = sub.add_parser(
        "adopt",
        help="adopt a live legacy LokDarpan database: plan, start, status, verify, requeue, cutover, rollback, finish",
    )
    p.set_defaults(
        func=lambda a: p.error("choose a subcommand: plan, start, status, verify, requeue, cutover, rollback, finish")
    )
    s = p.add_subparsers(dest="adopt_command", metavar="SUBCOMMAND")
    opts = []
    for name, func, helptext in (
        ("plan", cmd_plan, "read-only: legacy tables, counts, column mapping, dependents, quarantine preview"),
        ("start", cmd_start, "deploy, install change capture, backfill in key order (resumable), drain"),
        ("status", cmd_status, "phase and per-table copied / quarantined / remaining, capture backlog"),
        ("verify", cmd_verify, "legacy rows = adopted + quarantined with equal content; exit 8 otherwise"),
        ("requeue", cmd_requeue, "retry the quarantined rows (after adding ward aliases)"),
        ("cutover", cmd_cutover, "drain, then compatibility objects under the legacy names (one short transaction)"),
        ("rollback", cmd_rollback, "until finish: legacy tables back with every row written since cutover"),
        ("finish", cmd_finish, "end capture; keep or (--drop-legacy) drop schema lokdarpan_legacy"),
    ):
        q = s.add_parser(name, parents=[common], help=helptext)
        q.add_argument(
            "--legacy-schema", default="public", metavar="SCHEMA", help="schema of the legacy tables (default public)"
        )
        q.add_argument(
            "--legacy-timezone",
            default="UTC",
            metavar="TZ",
            help="time zone the legacy naive timestamps are in (default UTC)",
        )
        q.set_defaults(func=func)
        opts.append(q)
    start = opts[1]
    start.add_argument(
        "--batch-size",
        type=int,
        default=run.START_BATCH,
        metavar="N",
        help=f"legacy rows per backfill transaction (default {run.START_BATCH}, as ingest's batch)",
    )
    opts[4].add_argument(
        "--batch-size", type=int, default=5000, metavar="N", help="quarantined rows per transaction (default 5000)"
    )
    opts[3].add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="read the posts on N connections sharing one snapshot, each a range of ids (default 1: the "
        "application keeps the other cores)",
    )
    for q in (opts[5], opts[6]):
        q.add_argument(
            "--lock-budget",
            type=float,
            default=run.SWITCH_BUDGET_S,
            metavar="SECONDS",
            help="keep retrying the switch's locks for this long, in short attempts of at most 200 ms each "
            f"(default {run.SWITCH_BUDGET_S:g}; exit 4 when spent)",
        )
    opts[7].add_argument(
        "--drop-legacy",
        action="store_true",
        help="drop schema lokdarpan_legacy (refused while any legacy row is unaccounted for)",
    )
    start.add_argument(
        "--jobs",
        type=int,
        default=run.START_JOBS,
        metavar="N",
        help="copy posts and alerts on N connections, each a chunk of ids in key order at a time "
        f"(default {run.START_JOBS}; 1: one connection, the application keeps the other core)",
    )
    start.add_argument(
        "--max-rate",
        type=float,
        default=None,
        metavar="ROWS_S",
        help="copy at most this many rows per second (default: as fast as it goes)",
    )
