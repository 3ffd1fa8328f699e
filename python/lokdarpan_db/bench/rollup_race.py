"""rollup_race: UPDATEs, DELETEs and moves of posts racing INSERTs into the same ward and IST day,
with the v1.0.0 recounts and with the reworked ones.

A fresh database from the benchmark template gets ``--posts`` posts over the year (through the
triggers), then per variant: one session's latency of an UPDATE, a move in time and a DELETE of one
post (the recount's cost; the floor is a one-post INSERT in the same run, whose trigger neither
variant changes), and ``--writers`` connections racing ``--statements`` statements each on two
wards and two IST days (the failures: deadlocks, duplicate keys). "before" is the plan with the
``analytics/rollup`` and ``analytics/ward_author`` reworks reverted, "after" the whole plan. The
drift functions are counted after each variant. The database is dropped at the end."""

from __future__ import annotations

import os
import random
import statistics
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.types.json import Jsonb

from ..console import logger, out
from ..errors import UserError
from ..migrations.engine import Deployer
from ..migrations.plan import load_plan
from ..project import project_dir
from .common import admin_url, drop_db, ensure_template, fresh_db
from .query import generate
from .report import machine_description, write_section

WARDS = ["Kapra", "Jubilee Hills"]
EMOTIONS = ["positive", "negative", "neutral", "mixed", "unknown"]
INSERT = """
insert into core.post (created_at, city, author_id, text, fingerprint, emotion)
select v.t, v.c, v.a, v.x, core.post_fingerprint(v.c, null, v.t, v.x), v.e
  from jsonb_to_recordset(%s::jsonb) as v(t timestamptz, c text, a bigint, x text, e text)
"""
# the first existing post from a random id on: every timed statement touches one post (a deleted
# id would time a statement that fires the triggers on nothing)
PICK = "select p.post_id from core.post p where p.post_id >= %s order by p.post_id limit 1"
DRIFT = """
select (select count(*) from analytics.rollup_drift()) + (select count(*) from analytics.day_rollup_drift())
     + (select count(*) from analytics.ward_author_drift()) + (select count(*) from analytics.ward_author_day_drift())
"""


def add_arguments(p) -> None:
    """Add this benchmark's options."""
    p.add_argument("--posts", type=int, default=20_000, help="posts loaded over the year first (20000)")
    p.add_argument("--writers", type=int, default=4, help="racing connections (4)")
    p.add_argument("--statements", type=int, default=150, help="statements per racing connection and run (150)")
    p.add_argument("--samples", type=int, default=300, help="one-session statements per kind and run (300)")
    p.add_argument("--runs", type=int, default=3, help="runs per variant; medians are reported (3)")
    p.add_argument("--out", default=None, help="the BENCHMARKS.md to write (default: the project's)")


def _post(rng: random.Random, base: datetime, authors: list[int]) -> dict:
    """One post in one of WARDS at a random second of the two IST days from ``base``."""
    return {
        "t": (base + timedelta(seconds=rng.randint(0, 2 * 86400 - 1))).isoformat(),
        "c": rng.choice(WARDS),
        "a": rng.choice(authors),
        "x": f"race {uuid.uuid4()}",
        "e": rng.choice(EMOTIONS),
    }


def _single(url: str, samples: int, rng: random.Random) -> dict[str, float]:
    """Median ms of a one-post UPDATE, move (+3 h), DELETE and INSERT (the floor) in one session."""
    times: dict[str, list[float]] = {"update": [], "move": [], "delete": [], "insert": []}
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("select min(post_id), max(post_id) from core.post").fetchone()
        if row is None or row[0] is None:
            raise UserError("rollup_race: core.post is empty after the load")
        lo, hi = row
        for _ in range(samples):
            for kind, stmt in [
                ("update", f"update core.post set emotion = %s where post_id = ({PICK})"),
                ("move", f"update core.post set created_at = created_at + interval '3 hours' where post_id = ({PICK})"),
                ("delete", f"delete from core.post where post_id = ({PICK})"),
                (
                    "insert",
                    "insert into core.post (created_at, city, author_id, text, fingerprint) "
                    "select created_at, city, author_id, t, core.post_fingerprint(city, null, created_at, t) "
                    "from (select p.*, 'floor ' || gen_random_uuid() as t from core.post p "
                    "where p.post_id >= %s order by p.post_id limit 1) s",
                ),
            ]:
                pid = rng.randint(lo, hi)
                params = [rng.choice(EMOTIONS), pid] if kind == "update" else [pid]
                t = time.perf_counter()
                conn.execute(stmt, params)
                times[kind].append((time.perf_counter() - t) * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


def _race(url: str, writers: int, statements: int, seed: int) -> dict[str, int]:
    """``writers`` connections, ``statements`` each, on WARDS over two IST days: statements done
    and failures by kind (40P01 deadlock, 23505 duplicate key, 40001 cross-partition move, other)."""
    base = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
    counts = {"statements": 0, "deadlock": 0, "duplicate_key": 0, "partition_move": 0, "other": 0}
    lock = threading.Lock()
    with psycopg.connect(url, autocommit=True) as conn:
        authors = [r[0] for r in conn.execute("select author_id from core.author order by author_id limit 5")] or [None]
        rng = random.Random(seed)
        conn.execute(INSERT, [Jsonb([_post(rng, base, authors) for _ in range(200)])])
    start = threading.Barrier(writers)

    def writer(i: int) -> None:
        rng = random.Random(seed * 100 + i)
        with psycopg.connect(url, autocommit=True) as conn:
            start.wait()
            for _ in range(statements):
                op = rng.choice(["insert", "insert", "batch", "update", "move", "delete"])
                ids = sorted(
                    r[0]
                    for r in conn.execute(
                        "select post_id from core.post where city = any(%s) and created_at >= %s order by random() limit %s",
                        [WARDS, base, rng.randint(1, 6)],
                    )
                )
                try:
                    if op in ("insert", "batch"):
                        n = 1 if op == "insert" else rng.randint(5, 30)
                        conn.execute(INSERT, [Jsonb([_post(rng, base, authors) for _ in range(n)])])
                    elif op == "update":
                        conn.execute(
                            "update core.post set emotion = %s where post_id = any(%s)", [rng.choice(EMOTIONS), ids]
                        )
                    elif op == "move":
                        conn.execute(
                            "update core.post set created_at = created_at + %s where post_id = any(%s)",
                            [timedelta(hours=rng.choice([-26, -3, 1, 5, 20])), ids],
                        )
                    else:
                        conn.execute("delete from core.post where post_id = any(%s)", [ids[:3]])
                    kind = "statements"
                except psycopg.Error as exc:
                    kind = {"40P01": "deadlock", "23505": "duplicate_key", "40001": "partition_move"}.get(
                        exc.sqlstate or "", "other"
                    )
                with lock:
                    counts[kind] += 1

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts


def run(args) -> int:
    """Run the rollup race benchmark (before and after the reworks) and write its section."""
    if min(args.posts, args.writers, args.statements, args.samples, args.runs) < 1:
        raise UserError("--posts, --writers, --statements, --samples and --runs must be at least 1")
    log = logger(args.quiet)
    project = project_dir(args.project_dir)
    plan = load_plan(project)
    first_rework = min(plan.index_of("analytics/rollup"), plan.index_of("analytics/ward_author"))
    if plan.changes[first_rework].change_id in ("analytics/rollup", "analytics/ward_author"):
        raise UserError("this plan has no rework of analytics/rollup or analytics/ward_author to compare with")
    before_target = plan.changes[first_rework - 1].change_id
    admin = admin_url(args)
    ensure_template(admin, project, log)
    name, url = fresh_db(admin)
    load = [os.getloadavg()[0]]
    results: dict[str, list[dict]] = {}
    try:
        log(f"loading {args.posts:,} posts")
        generate(url, args.posts, datetime.now(UTC), log)
        engine = Deployer(url, project, log=log)
        for variant in ("before", "after"):
            if variant == "before":
                engine.revert(before_target)
            else:
                engine.deploy()
            results[variant] = []
            for r in range(args.runs):
                log(f"{variant}: run {r + 1} of {args.runs}")
                single = _single(url, args.samples, random.Random(f"{variant} {r}"))
                race = _race(url, args.writers, args.statements, 18 + r)
                results[variant].append({**single, **race})
                load.append(os.getloadavg()[0])
            with psycopg.connect(url, autocommit=True) as conn:
                results[variant][-1]["drift"] = conn.execute(DRIFT).fetchone()[0]
    finally:
        drop_db(admin, name)

    def med(variant: str, key: str) -> float:
        return statistics.median(r[key] for r in results[variant])

    rows = []
    for variant, what in [
        ("before", f"v1.0.0 recounts (reverted to `{before_target}`)"),
        ("after", "reworked recounts (whole plan)"),
    ]:
        failed = sum(med(variant, k) for k in ("deadlock", "duplicate_key", "other"))
        rows.append(
            f"| {what} | {med(variant, 'update'):.2f} | {med(variant, 'move'):.2f} | {med(variant, 'delete'):.2f} "
            f"| {med(variant, 'insert'):.2f} | {med(variant, 'update') / med(variant, 'insert'):.1f}x "
            f"| {med(variant, 'statements'):.0f} | {failed:.0f} ({med(variant, 'deadlock'):.0f} deadlocks, "
            f"{med(variant, 'duplicate_key'):.0f} duplicate keys) | {med(variant, 'partition_move'):.0f} "
            f"| {results[variant][-1]['drift']} |"
        )
    md = (
        f"## rollup_race: post UPDATE/DELETE racing INSERTs in one ward-day, before and after the reworks\n\n"
        f"`lokdarpan-db bench rollup_race --posts {args.posts} --writers {args.writers} --statements "
        f"{args.statements} --samples {args.samples} --runs {args.runs}` on {machine_description()}; load "
        f"average (1 min) {min(load):.1f}-{max(load):.1f} during the run (the machine is shared).\n\n"
        f"One session, one post per statement, medians over {args.runs} runs of {args.samples} each (ms; "
        f"the floor is a one-post INSERT, whose trigger both variants share). Race: {args.writers} connections x "
        f"{args.statements} statements on {' and '.join(WARDS)} over two IST days (single and batched inserts, "
        f"updates, moves of -26 h to +20 h, deletes), median per run.\n\n"
        f"| recounts | UPDATE | move | DELETE | INSERT (floor) | UPDATE / floor | race statements ok "
        f"| race statements failed | cross-partition 40001 (PostgreSQL's own) | drift rows after |\n"
        f"|---|---:|---:|---:|---:|---:|---:|---|---:|---:|\n" + "\n".join(rows) + "\n\n"
        "The v1.0.0 recounts create two temporary tables per statement and delete + re-insert the touched "
        "rows; the reworked ones lock the touched ward-days (and authors) in key order and upsert "
        '(docs/operations.md, "Concurrent updates and deletes of posts").\n'
    )
    write_section(args.out or (project / "BENCHMARKS.md"), f"rollup-race-{args.posts}", md)
    out(md)
    return 0
