"""Ward API latency at scale: p50/p95/p99 per function over all 145 wards, 50 concurrent clients
with the bundled pgbench, the same answers computed straight from core.post (the seeds' way)
for the ratio, and the dashboard refresh time.

The dataset (--posts, default 1,000,000, spread over the last 365 days with skewed ward activity,
parties, emotions, 50,000 authors and varied text) is generated inside the server into a fresh
copy of the deployed template that is dropped afterwards unless --keep: by default in bulk
(lokdarpan_db.synthetic.bulk: straight into the monthly partitions, derived tables built after
and drift-checked; resumable with --keep and --database), with --insert-path through the normal
insert path (``generate()`` below: triggers and index maintenance per statement, ~6,000 posts/s).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from ..console import logger
from ..errors import UserError
from ..migrations.engine import Deployer
from ..ops.maintenance import order_closed_months
from ..postgres.connect import one
from ..postgres.embedded import Cluster, embedded_bindir
from ..postgres.pooler import Pooler
from ..project import project_dir
from ..synthetic.bulk import WORDS, bulk_seconds, generate_bulk, unfinished_posts
from . import growth
from .common import admin_url, db_url, drop_db, ensure_template, fresh_db, percentiles, pgbench_target, server_version
from .load import clients_report
from .report import machine_description, write_section

GENERATE = """
insert into core.author (name) select 'bench author ' || g from generate_series(1, 50000) g
on conflict (name) do nothing;
"""
GENERATE_POSTS = """
with wards as (select array_agg(ward_name order by ward_name) as w from core.ward),
     a as (select min(author_id) as lo from core.author where name like 'bench author %%'),
     words as (select %(words)s::text[] as v)
insert into core.post (post_id, created_at, city, author_id, text, emotion, party, fingerprint)
select nextval('core.post_post_id_seq'), t.at, t.ward, a.lo + floor(power(random(), 3) * 50000)::int,
       t.txt, (array['positive','negative','neutral','mixed','unknown'])[1 + floor(random() * 5)::int],
       (array['BJP','INC','BRS','AIMIM','TDP','YSRCP','JSP','Independent','Other',null,null,null])
           [1 + floor(random() * 12)::int],
       sha256(convert_to(t.txt || t.at::text || t.ward, 'UTF8'))
  from wards, a, words,
       lateral (select %(now)s::timestamptz - make_interval(secs => (random() * 365 * 86400)::int) as at,
                       wards.w[1 + floor(power(random(), 1.6) * 145)::int] as ward,
                       words.v[1 + floor(random() * 41)::int] || ' ' || words.v[1 + floor(random() * 41)::int] || ' near '
                       || words.v[1 + floor(random() * 41)::int] || ' ' || g::text || ' '
                       || words.v[1 + floor(random() * 41)::int] || ' ' || words.v[1 + floor(random() * 41)::int] as txt
                  from generate_series(%(lo)s::int, %(hi)s::int) g) t
"""
FUNCTIONS = {
    "get_ward_intelligence_fast": "select * from analytics.get_ward_intelligence_fast(%s, 30, %s)",
    "get_ward_competitive_analysis": "select * from analytics.get_ward_competitive_analysis(%s, 30, %s)",
    "get_ward_sentiment_timeline": "select * from analytics.get_ward_sentiment_timeline(%s, 30, %s)",
    "search_posts (ward-filtered, all time)": "select * from analytics.search_posts('water supply', %s, 20, null, %s)",
    "search_posts (ward-filtered, last 30 days)": "select * from analytics.search_posts('water supply', %s, 20, 30, %s)",
}
SEED_WAY = """
select count(*), count(*) filter (where created_at >= %(now)s::timestamptz - interval '1 day'),
       count(*) filter (where created_at >= %(now)s::timestamptz - interval '7 days'),
       count(distinct author_id), count(distinct party),
       count(*) filter (where emotion = 'positive'), count(*) filter (where emotion = 'negative')
  from core.post where city = %(ward)s and created_at >= %(now)s::timestamptz - interval '30 days'
   and created_at < %(now)s
"""


def add_arguments(p) -> None:
    """Add this benchmark's options."""
    p.add_argument("--posts", type=int, default=1_000_000)
    p.add_argument("--passes", type=int, default=3, help="calls per ward per function")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=int, default=None, help="pgbench duration (default 30; 60 with --rate)")
    p.add_argument(
        "--rate",
        type=int,
        default=None,
        help="many-clients run instead of the per-function one: --clients connected clients sending "
        "RATE calls/s in total of the ward API mix (pgbench -R, -L 100), then the saturation point; "
        "writes its own BENCHMARKS.md section",
    )
    p.add_argument(
        "--pooler",
        action="store_true",
        help="with --rate: through the embedded server's PgBouncer (started when not running), "
        "and directly for comparison",
    )
    p.add_argument("--rates", default="250,500,1000,1500,2000", help="with --rate: the saturation steps (calls/s)")
    p.add_argument("--step-seconds", type=int, default=20, help="with --rate: seconds per saturation step")
    p.add_argument(
        "--keep",
        action="store_true",
        help="keep the generated database (its name is printed), also when generation is interrupted",
    )
    p.add_argument(
        "--database",
        default=None,
        help="measure a database kept by an earlier --keep run instead of generating one (an interrupted "
        "bulk generation in it is finished first)",
    )
    p.add_argument(
        "--no-growth",
        action="store_true",
        help="skip the cost-growth measurements (maintenance, ordering a month, ingest of a day, size)",
    )
    p.add_argument(
        "--day-posts", type=int, default=growth.DAY_POSTS, help="posts of the day ingested for the growth table"
    )
    p.add_argument("--jobs", type=int, default=2, help="bulk generation: months loaded side by side")
    p.add_argument(
        "--insert-path",
        action="store_true",
        help="generate through the normal insert path (triggers per statement) instead of in bulk",
    )
    p.add_argument(
        "--generate-only", action="store_true", help="generate (and drift-check) the dataset, keep it, measure nothing"
    )
    p.add_argument("--out", default=None)


def generate(url: str, n: int, now: datetime, log) -> float:
    """Insert ``n`` posts spread over the year before ``now`` into the database at ``url``; returns seconds."""
    t = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("set maintenance_work_mem = '512MB'")
        conn.execute(GENERATE)
        step = 250_000
        for lo in range(1, n + 1, step):
            hi = min(n, lo + step - 1)
            conn.execute(GENERATE_POSTS, {"words": list(WORDS), "now": now, "lo": lo, "hi": hi})
            log(f"  generated {hi:,} / {n:,} posts ({time.perf_counter() - t:.0f} s)")
        # what autovacuum does on a live server after a load: visibility maps set (index-only
        # scans of the rollups' covering keys), statistics current
        conn.execute("vacuum analyze")
    return time.perf_counter() - t


def report_ward_order(url: str, now: datetime, log) -> str:
    """Rewrite the closed months in ward order, as the nightly maintenance would have done over
    the year the data spans (core.order_closed_partitions); report what it did."""
    with psycopg.connect(url, autocommit=True) as conn:
        t = time.perf_counter()
        done = order_closed_months(conn, now)
        seconds = time.perf_counter() - t
        total = conn.execute("select count(*) from core.ordered_partition").fetchone()[0]
    parts, rows = len(done), sum(r[3] for r in done)
    log(f"  closed months in ward order: {parts} rewritten now ({rows:,} rows, {seconds:.1f} s), {total} in all")
    return (
        f"Closed months are measured as the nightly maintenance leaves them, rewritten in ward order "
        f"(`core.order_closed_partitions`): {total} partitions"
        + (f", {parts} of them ({rows:,} rows) by this run in {seconds:.1f} s." if parts else ".")
    )


def latencies(conn, sql: str, wards: list[str], now: datetime, passes: int) -> list[float]:
    """Milliseconds of each call of ``sql`` for every ward, ``passes`` times in shuffled order."""
    out = []
    for _ in range(passes):
        order = wards[:]
        random.shuffle(order)
        for w in order:
            t = time.perf_counter()
            conn.execute(sql, [w, now]).fetchall()
            out.append((time.perf_counter() - t) * 1000)
    return out


def pgbench(url: str, clients: int, seconds: int, log) -> dict:
    """Throughput and latency percentiles of the intelligence call under ``clients`` pgbench clients ({} without pgbench)."""
    exe = (
        shutil.which("pgbench") if not (embedded_bindir() / "pgbench").exists() else str(embedded_bindir() / "pgbench")
    )
    if exe is None:
        return {}
    with tempfile.TemporaryDirectory(prefix="ld-pgbench-") as tmp:
        script = Path(tmp) / "ward.sql"
        script.write_text(
            "\\set w random(0, 144)\nselect * from analytics.get_ward_intelligence_fast("
            "(select ward_name from core.ward order by ward_name offset :w limit 1), 30);\n"
        )
        # -M prepared: clients reuse their plans, as a pooled application with prepared statements does
        cmd = [
            exe,
            "-n",
            "-M",
            "prepared",
            "-f",
            str(script),
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            *pgbench_target(url, Path(tmp)),
        ]
        log(f"  pgbench: {clients} clients for {seconds} s")
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-1:]}
        lat = []
        for f in Path(tmp).glob("log*"):
            for line in f.read_text().splitlines():
                parts = line.split()
                if len(parts) >= 3:
                    lat.append(int(parts[2]) / 1000)
        tps = next((float(x.split("=")[1].split()[0]) for x in proc.stdout.splitlines() if x.startswith("tps")), 0)
        return {"tps": tps, **percentiles(lat), "n": len(lat)}


def _growth_rows(url: str, admin: str, now: datetime, data: dict, day_posts: int, log) -> list[str]:
    """The cost-growth measurements (bench/growth.py) into ``data``; their report lines. Ingest
    runs last: it adds a day of posts to the measured database."""
    data.update(growth.maintenance_and_order(url, now, log))
    data.update(growth.ingest_day(url, admin, now, log, posts=day_posts))
    out = [f"`core.daily_partition_maintenance()` once: {data['maintenance_s']:.2f} s."]
    if "order_s" in data:
        out.append(
            f"Rewriting one closed month in ward order (`core.order_partition`, {data['order_month']}, "
            f"{data['order_rows']:,} rows): {data['order_s']:.1f} s."
        )
    out.append(
        f"Ingest of one more day of {day_posts:,} posts: {data['ingest_s']:.1f} s into this database, "
        f"{data['ingest_empty_s']:.1f} s into an empty one (**{data['ingest_s'] / data['ingest_empty_s']:.2f}x**); "
        f"database size {data['db_bytes'] / 2**30:.1f} GiB before it; load average {data['load']} at the start."
    )
    return out


def _how(args) -> str:
    """How the dataset was generated, for the report."""
    if args.database:
        return "in bulk by an earlier run"
    return "through the insert path" if args.insert_path else f"in bulk, {args.jobs} jobs"


def _many_clients(args, admin: str, name: str, url: str, root: Path, gen_s: float | None, order: str, log) -> int:
    """``--rate``: the many-clients run (bench/load.py), its own section ``clients-<posts>``."""
    pooler_url, pooler_pid, pool_size = None, None, 0
    if args.pooler:
        pooler = Pooler(Cluster.embedded())
        if not pooler.running:
            log(f"starting the pooler in {pooler.dir}")
            pooler.start()
        info = pooler.pid_info()
        pooler_url, pooler_pid, pool_size = pooler.url(name), info[0] if info else None, pooler.size
    try:
        rates = [int(x) for x in args.rates.split(",") if x.strip()]
    except ValueError:
        raise UserError(f"--rates: want calls/s separated by commas, got {args.rates!r}") from None
    rows = [
        f"Machine: {machine_description()}; PostgreSQL {server_version(url)}; {args.posts:,} posts over 365 days ("
        + (f"generated in {gen_s:.0f} s {_how(args)}" if gen_s is not None else "generated by an earlier run")
        + "). "
        + order,
        "",
        *clients_report(
            admin=admin,
            direct_url=url,
            pooler_url=pooler_url,
            pooler_pid=pooler_pid,
            pool_size=pool_size,
            clients=args.clients,
            rate=args.rate,
            seconds=args.seconds,
            rates=rates,
            step_seconds=args.step_seconds,
            log=log,
        ),
    ]
    out = Path(args.out) if args.out else root / "BENCHMARKS.md"
    title = (
        f"## {args.clients:,} clients at {args.posts:,} posts (`lokdarpan-db bench query --clients "
        f"{args.clients} --rate {args.rate}{' --pooler' if args.pooler else ''}`)"
    )
    write_section(out, f"clients-{args.posts}", title + "\n\n" + "\n".join(rows))
    print("\n".join(rows))
    return 0


def run(args) -> int:
    """Measure the ward API at scale; write the query section of BENCHMARKS.md."""
    log = logger(args.quiet)
    if args.pooler and (args.db or os.environ.get("DATABASE_URL")):
        raise UserError("--pooler measures the embedded server's PgBouncer: drop --db / DATABASE_URL")
    if args.pooler and args.rate is None:
        raise UserError("--pooler needs --rate (the many-clients run)")
    if args.seconds is None:
        args.seconds = 60 if args.rate else 30
    admin = admin_url(args)
    root = project_dir(args.project_dir)
    if args.generate_only:
        args.keep = True
    if args.database:
        name, url = args.database, db_url(admin, args.database)
        pending = Deployer(url, root).pending()
        if pending:
            raise UserError(
                f"database {name} lacks {len(pending)} change(s) of the plan (first {pending[0].change_id}): "
                f"deploy them first (lokdarpan-db deploy --db ...), so it is measured against the same plan "
                f"as the empty database its ingest is compared with"
            )
        # the empty database of the growth table's ingest is a copy of the template: of the same plan
        ensure_template(admin, root, log)
        unfinished = unfinished_posts(url)
        if unfinished:
            args.posts = unfinished
            log(f"finishing the interrupted bulk generation of {unfinished:,} posts in {name}")
            bulk = generate_bulk(url, unfinished, datetime.now(UTC), log, jobs=args.jobs)
            log(f"  generated in {bulk.seconds:.0f} s")
        with psycopg.connect(url, autocommit=True) as conn:
            n, last = one(conn.execute("select count(*), max(created_at) from core.post"))
        if not n:
            raise UserError(f"database {name} has no posts: generate one with --keep first")
        args.posts, now, gen_s, args.keep = n, last + timedelta(seconds=1), bulk_seconds(url), True
        log(f"measuring {n:,} posts in {name} (generated earlier; 'now' = its newest post + 1 s)")
    else:
        ensure_template(admin, root, log)
        name, url = fresh_db(admin)
        now = datetime.now(UTC)
    try:
        if not args.database:
            if args.insert_path:
                log(f"generating {args.posts:,} posts over 365 days in {name} through the insert path")
                gen_s = generate(url, args.posts, now, log)
            else:
                log(f"generating {args.posts:,} posts over 365 days in {name} in bulk ({args.jobs} jobs)")
                gen_s = generate_bulk(url, args.posts, now, log, jobs=args.jobs).seconds
            log(f"  generated in {gen_s:.0f} s")
        if args.generate_only:
            return 0
        order = report_ward_order(url, now, log)
        if args.rate:
            return _many_clients(args, admin, name, url, root, gen_s, order, log)
        data: dict = {
            "posts": args.posts,
            "functions": {},
            "machine": machine_description(),
            "load": growth.load_average(),
            "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            "how": _how(args) if gen_s is not None else "an earlier run",
            "generate_s": gen_s,
            "db_bytes": growth.database_size(url),
        }
        with psycopg.connect(url, autocommit=True) as conn:
            wards = [r[0] for r in conn.execute("select ward_name from core.ward")]
            size = conn.execute(
                "select pg_size_pretty(sum(pg_total_relation_size(c.oid))) from pg_class c"
                " join pg_inherits i on i.inhrelid = c.oid where i.inhparent = 'core.post'::regclass"
            ).fetchone()[0]
            rows = [
                f"Machine: {machine_description()}; PostgreSQL {server_version(url)}; {args.posts:,} posts over "
                f"365 days ({size} with indexes; "
                + (f"generated in {gen_s:.0f} s {_how(args)}" if gen_s is not None else "generated by an earlier run")
                + f"); {args.passes} calls per ward "
                f"per function, all 145 wards, after a first pass that warms the cache; 'now' = {now:%Y-%m-%d %H:%M} UTC.",
                "",
                order,
                "",
                "| function | p50 ms | p95 ms | p99 ms | first pass p95 ms |",
                "|---|---:|---:|---:|---:|",
            ]
            for fn, sql in FUNCTIONS.items():
                # the first pass over all wards reads rollup and index pages into memory: reported
                # apart (cold), the measured passes are the steady state of a running server
                cold = percentiles(latencies(conn, sql, wards, now, 1))
                p = percentiles(latencies(conn, sql, wards, now, args.passes))
                data["functions"][fn] = {"p50": p["p50"], "p95": p["p95"]}
                rows.append(f"| {fn} | {p['p50']:.2f} | {p['p95']:.2f} | {p['p99']:.2f} | {cold['p95']:.2f} |")
                log(f"  {fn}: p95 {p['p95']:.2f} ms (first pass {cold['p95']:.2f} ms)")
            seed = []
            for w in wards:
                t = time.perf_counter()
                conn.execute(SEED_WAY, {"ward": w, "now": now}).fetchall()
                seed.append((time.perf_counter() - t) * 1000)
            ours = percentiles(latencies(conn, FUNCTIONS["get_ward_intelligence_fast"], wards, now, 1))
            sp = percentiles(seed)
            rows += [
                "",
                f"Same answer computed straight from core.post (the seeds' way, no rollups): p50 "
                f"{sp['p50']:.2f} ms, p95 {sp['p95']:.2f} ms — rollups are **{sp['p50'] / ours['p50']:.1f}x** "
                "faster at the median.",
            ]
            refresh = []
            for _ in range(3):
                t = time.perf_counter()
                conn.execute("select * from analytics.refresh_ward_analytics()").fetchall()
                refresh.append(time.perf_counter() - t)
            rows.append(
                f"`refresh_ward_analytics()` (concurrently, both views): median {statistics.median(refresh):.2f} s."
            )
            data["refresh_s"] = statistics.median(refresh)
        pb = pgbench(url, args.clients, args.seconds, log)
        if pb.get("tps"):
            rows.append(
                f"pgbench, {args.clients} clients x {args.seconds} s calling get_ward_intelligence_fast for "
                f"random wards: **{pb['tps']:,.0f} calls/s**, latency p50 {pb['p50']:.1f} ms, p95 "
                f"{pb['p95']:.1f} ms, p99 {pb['p99']:.1f} ms ({pb['n']:,} calls)."
            )
        elif pb:
            rows.append(f"pgbench failed: {pb.get('error')}")
        if not args.no_growth:
            rows += ["", *_growth_rows(url, admin, now, data, args.day_posts, log)]
        rows += [
            "",
            "Targets on 2 cores at 10M posts: p95 <= 5 ms per ward function, ward-filtered search p95 <= "
            "50 ms, 50 clients >= 1,000 calls/s with p99 <= 100 ms, refresh <= 10 s.",
        ]
        if not args.no_growth:
            rows += ["", growth.data_comment(data)]
    finally:
        if not args.keep:
            drop_db(admin, name)
        else:
            log(
                f"kept database {name} (measure again, or finish an interrupted generation, with "
                f"--database {name}; drop it when done)"
            )
    out = Path(args.out) if args.out else root / "BENCHMARKS.md"
    write_section(
        out,
        f"query-{args.posts}",
        f"## Ward API at {args.posts:,} posts (`lokdarpan-db bench query`)\n\n" + "\n".join(rows),
    )
    growth.write_growth(out)
    print("\n".join(rows))
    return 0
