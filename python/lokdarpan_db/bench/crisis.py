"""crisis: latency of crisis.get_open_crises(ward) (open crises of a ward by priority) over a
large crisis history, the lookup the seeds' sub-15-minute coordination polls.

Loads a synthetic history inside one transaction (rolled back at the end: the database is left
as it was), analyzes, then times calls for random wards. Reports medians over runs."""

from __future__ import annotations

import random
import statistics
import time

import psycopg

from ..console import logger, out
from ..errors import UserError
from ..postgres.connect import connect, resolve_url
from ..project import project_dir
from .report import machine_description, write_section

LOAD = """
with c as (
    insert into crisis.crisis_event (crisis_type, severity, priority_score, title, status, detected_at,
                                     first_response_at, resolved_at)
    select 'flooding', (array['low', 'medium', 'high', 'critical', 'catastrophic'])[1 + g %% 5],
           (g * 37) %% 101, 'bench ' || g,
           case when g %% %(open_every)s = 0 then 'detected' else 'resolved' end,
           timestamptz '2020-01-01' + g * interval '7 minutes',
           case when g %% %(open_every)s <> 0 then timestamptz '2020-01-01' + g * interval '7 minutes' end,
           case when g %% %(open_every)s <> 0 then timestamptz '2020-01-01' + g * interval '9 minutes' end
      from generate_series(1, %(crises)s) g
    returning crisis_id
), w as (
    select ward_name, (row_number() over (order by ward_name) - 1)::int as i from core.ward
)
insert into crisis.crisis_event_ward (crisis_id, ward_name)
select c.crisis_id, w.ward_name
  from c cross join generate_series(0, (c.crisis_id %% 3)::int) k
  join w on w.i = (c.crisis_id * 7 + k * 31) %% 145
on conflict do nothing
"""


def add_arguments(p) -> None:
    """Add this benchmark's options."""
    p.add_argument("--crises", type=int, default=100_000, help="crises in the synthetic history (100000)")
    p.add_argument("--open-every", type=int, default=50, help="one crisis in N is open (50)")
    p.add_argument("--calls", type=int, default=500, help="calls per run, random wards (500)")
    p.add_argument("--runs", type=int, default=3, help="runs; medians are reported (3)")


def run(args) -> int:
    """Run the crisis benchmark and write its section of BENCHMARKS.md."""
    if args.crises < 1 or args.calls < 1 or args.runs < 3 or args.open_every < 1:
        raise UserError("--crises, --calls and --open-every must be positive and --runs at least 3")
    log = logger(args.quiet)
    url = resolve_url(args.db, log=log)
    with connect(url) as conn:
        try:
            conn.execute("select 'crisis.get_open_crises(text)'::regprocedure")
        except psycopg.Error:
            raise UserError("crisis.get_open_crises is not deployed here (run lokdarpan-db deploy)") from None
        conn.rollback()
        wards = [r[0] for r in conn.execute("select ward_name from core.ward")]
        log(f"loading {args.crises} crises (rolled back at the end)")
        conn.execute(LOAD, {"crises": args.crises, "open_every": args.open_every})
        conn.execute("analyze crisis.crisis_event")
        conn.execute("analyze crisis.crisis_event_ward")
        rng = random.Random(20261122)
        medians, p95s, rows = [], [], []
        for _ in range(args.runs):
            times = []
            for _ in range(args.calls):
                ward = rng.choice(wards)
                t = time.perf_counter()
                got = conn.execute("select * from crisis.get_open_crises(%s)", (ward,)).fetchall()
                times.append((time.perf_counter() - t) * 1000)
                rows.append(len(got))
            times.sort()
            medians.append(statistics.median(times))
            p95s.append(times[int(0.95 * (len(times) - 1))])
        scope = conn.execute("select count(*) from crisis.crisis_event_ward").fetchone()[0]
        conn.rollback()
    md = (
        f"## crisis: open crises of a ward by priority\n\n"
        f"`lokdarpan-db bench crisis --crises {args.crises} --open-every {args.open_every} "
        f"--calls {args.calls} --runs {args.runs}` on {machine_description()}.\n\n"
        f"History: {args.crises} crises ({scope} ward-scope rows, one crisis in {args.open_every} open); "
        f"each call returns {statistics.mean(rows):.1f} rows on average.\n\n"
        f"| measure | value |\n|---|---|\n"
        f"| median latency per call (median of {args.runs} runs) | {statistics.median(medians):.3f} ms |\n"
        f"| p95 latency per call (median of {args.runs} runs) | {statistics.median(p95s):.3f} ms |\n\n"
        f"Client-side round trip through psycopg, including planning; the lookup is a range scan of the "
        f"partial index of the ward's open scope rows plus a primary-key probe per open crisis.\n"
    )
    write_section(project_dir(args.project_dir) / "BENCHMARKS.md", "crisis", md)
    out(md)
    return 0
