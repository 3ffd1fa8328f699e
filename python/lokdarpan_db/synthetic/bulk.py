"""Large synthetic datasets fast: server-side generation straight into the monthly partitions of
core.post, the derived tables built exactly in bulk afterwards, then drift checks.

The data is the kind ``bench.query.generate()`` inserts (145 wards with skewed activity, 50,000
authors with skewed activity, parties, emotions, varied text from the same word list, content
fingerprints, search vectors; spread over the 365 days before ``now``), plus a daily cycle
(Hyderabad evening peak, 3x the early-morning trough). ``generate()`` goes through the insert
path: reference checks, rollup and ward_author triggers and every index per statement — about
6,000 posts/s, hours for a year of campaign traffic. Here each month is one **unit**:

1. a new table like core.post receives the month's posts in one ``insert ... select`` from
   generate_series (no index, no trigger; closed months written in ward order, as the nightly
   ``core.order_closed_partitions`` would have left them, and recorded in core.ordered_partition;
   the current month in time order);
2. the parent's indexes are built on it (sorted builds, not 4 index insertions per row);
3. it is swapped in for the month's empty partition (detach, attach with a matching CHECK so no
   validation scan, names kept — the recipe of ``core.order_partition``);
4. its hour rollups (analytics.ward_hour, ward_hour_party) are added, its (ward, author) newest
   post times staged, its fingerprints added to core.post_fingerprint.

All four in one transaction, recorded in ``lokdarpan_bulk.unit``: a unit is either fully in or
absent, so a run killed at any point is continued by running it again (a unit's rows come from
``setseed`` of the plan's seed and the unit, so a redone unit is the one that was lost). After the
units: day rollups summed from the hours, analytics.ward_author from the staged maxima,
analytics.ward_author_day as its day histogram, the fingerprint primary key built, the post id
sequence moved past the ids used, statistics; then the drift checks (analytics.rollup_drift,
day_rollup_drift, ward_author_drift, ward_author_day_drift and ops.validate_data_integrity) prove
the derived tables equal what the insert triggers keep.

Decisions: the rollups are built from the posts, never trusted from the generator's arithmetic;
analytics.ward_author.moved_from (the trigger's scratch value) stays NULL; ward_author_day holds
no zero rows (the triggers may leave some; the drift checks ignore them). The bookkeeping schema
``lokdarpan_bulk`` stays after the run (a few hundred bytes once finished; ``drop schema
lokdarpan_bulk cascade`` is safe then). It refuses a database that already has posts it did not
generate, and a disk without room for the posts (see BYTES_PER_POST: ~37 GB for 53,000,000 posts).
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg import sql

from ..errors import NoSpaceError, UserError, ValidationFailed
from ..migrations.data_guard import POST_ROLLUPS

WORDS = (
    "water supply drainage potholes garbage streetlights metro traffic flooding powercuts housing schools "
    "hospitals tax encroachment dogs buses footpaths lake pollution ration pension roads protest meeting "
    "corporator election survey relief camp ward councillor budget promise complaint neeru roddu "
    "samasya prajalu ennikalu nayakulu"
).split()
AUTHORS = 50_000
# bytes on disk per post: heap and indexes ~520, core.post_fingerprint ~140 (measured at 300,000
# and 1,000,000 posts); the rollups and ward_author grow to ~3 GB at most (145 wards x 8,760
# hours, 145 x 50,000 authors), ~400 bytes a post until then; the sort files of a unit's index
# builds add half a unit
BYTES_PER_POST = 680
DERIVED_BYTES_PER_POST = 400
DERIVED_MAX_BYTES = 3 * 2**30
SORT_SHARE = 1.5
YEAR = timedelta(days=365)
SCHEMA = "lokdarpan_bulk"

BOOKKEEPING = """
create schema if not exists lokdarpan_bulk;
comment on schema lokdarpan_bulk is
    'Bookkeeping of lokdarpan_db.synthetic.bulk (benchmark data generator); safe to drop once finished.';
create table if not exists lokdarpan_bulk.plan (
    posts        bigint not null,
    now          timestamptz not null,
    seed         integer not null,
    id_base      bigint not null,
    author_lo    bigint not null,
    fingerprint_key text not null default 'PRIMARY KEY (fingerprint)',
    started_at   timestamptz not null default now(),
    finished_at  timestamptz,
    seconds      numeric
);
-- a run started before the key was recorded rebuilds the v1.0.0 key
alter table lokdarpan_bulk.plan add column if not exists fingerprint_key text not null
    default 'PRIMARY KEY (fingerprint)';
create table if not exists lokdarpan_bulk.unit (
    unit          integer primary key,
    partition     text not null,
    lo            timestamptz not null,
    hi            timestamptz not null,
    posts         bigint not null,
    first_no      bigint not null,
    ordered       boolean not null,
    loaded_at     timestamptz,
    seconds       numeric,
    vacuumed_at   timestamptz
);
create table if not exists lokdarpan_bulk.ward_author_part (
    unit          integer not null,
    ward_name     text not null,
    author_id     bigint not null,
    last_post_at  timestamptz not null
);
"""

# one month of posts; %(no)s is the post's number in the whole dataset (its text carries it, as
# generate()'s does), the instant is uniform over the unit then warped within its day around the
# evening peak (x -> x - 0.25/pi sin(2 pi x): density 1 / (1 - 0.5 cos(2 pi x)), x = 0 at 19:30 IST
# = 14:00 UTC), kept unwarped where the warp would leave the unit; in float8 epoch seconds (numeric
# and interval arithmetic cost ~30 us a row)
UNIT_ROWS = """
with wards as (select array_agg(ward_name order by ward_name) as w from core.ward)
select %(id_base)s::bigint + b.no as post_id, b.at as created_at, wards.w[b.wi] as city,
       %(author_lo)s::bigint + floor(power(b.ra, 3) * {authors})::bigint as author_id, b.txt as text,
       (array['positive','negative','neutral','mixed','unknown'])[1 + floor(b.re * 5)::int] as emotion,
       (array['BJP','INC','BRS','AIMIM','TDP','YSRCP','JSP','Independent','Other',null,null,null])
           [1 + floor(b.rp * 12)::int] as party,
       sha256(convert_to(b.txt || b.at::text || wards.w[b.wi], 'UTF8')) as fingerprint, b.wi
  from wards,
       (select c.no, c.wi, c.ra, c.re, c.rp, c.txt,
               to_timestamp(case when c.warped >= %(lo_e)s::float8 and c.warped <= %(hi_e)s::float8 - 1e-6
                                 then c.warped else c.u end) as at
          from (select a.*, a.u - 86400 * 0.25 / pi()
                                  * sin(2 * pi() * ((a.u - 50400) / 86400 - floor((a.u - 50400) / 86400))) as warped
                  from (select g as no, 1 + floor(power(random(), 1.6) * 145)::int as wi, random() as ra,
                               random() as re, random() as rp,
                               %(lo_e)s::float8 + floor(random() * %(span_us)s::float8) / 1e6 as u,
                               v[1 + floor(random() * 41)::int] || ' ' || v[1 + floor(random() * 41)::int] || ' near '
                               || v[1 + floor(random() * 41)::int] || ' ' || g::text || ' '
                               || v[1 + floor(random() * 41)::int] || ' ' || v[1 + floor(random() * 41)::int] as txt
                          from generate_series(%(first_no)s::bigint, %(last_no)s::bigint) g,
                               (select %(words)s::text[] as v) words
                        offset 0) a
                offset 0) c
        offset 0) b
"""

# a unit's hours, aggregated before its turn to write (pg_temp.bulk_hours[_party]), then added
HOURS_AGG = """
create temp table bulk_hours on commit drop as
select n.city as ward_name, date_bin('1 hour', n.created_at, timestamptz '2000-01-01 00:30:00+00') as bucket,
       count(*) as posts,
       count(*) filter (where n.emotion = 'positive') as positive, count(*) filter (where n.emotion = 'negative') as negative,
       count(*) filter (where n.emotion = 'neutral') as neutral, count(*) filter (where n.emotion = 'mixed') as mixed,
       count(*) filter (where n.emotion = 'unknown') as unknown, coalesce(sum(e.sentiment_score), 0) as sentiment_sum,
       count(e.sentiment_score) as sentiment_n
  from {t} n join core.emotion e on e.emotion = n.emotion
 group by 1, 2;
create temp table bulk_hours_party on commit drop as
select n.city as ward_name, date_bin('1 hour', n.created_at, timestamptz '2000-01-01 00:30:00+00') as bucket, n.party,
       count(*) as mentions, count(*) filter (where n.emotion = 'positive') as positive,
       count(*) filter (where n.emotion = 'negative') as negative, coalesce(sum(e.sentiment_score), 0) as sentiment_sum,
       count(e.sentiment_score) as sentiment_n
  from {t} n join core.emotion e on e.emotion = n.emotion
 where n.party is not null
 group by 1, 2, 3;
"""
HOURS = """
insert into analytics.ward_hour as h
select * from pg_temp.bulk_hours order by 1, 2
on conflict (ward_name, bucket) do update
   set posts = h.posts + excluded.posts, positive = h.positive + excluded.positive,
       negative = h.negative + excluded.negative, neutral = h.neutral + excluded.neutral,
       mixed = h.mixed + excluded.mixed, unknown = h.unknown + excluded.unknown,
       sentiment_sum = h.sentiment_sum + excluded.sentiment_sum, sentiment_n = h.sentiment_n + excluded.sentiment_n;
insert into analytics.ward_hour_party as h
select * from pg_temp.bulk_hours_party order by 1, 2, 3
on conflict (ward_name, bucket, party) do update
   set mentions = h.mentions + excluded.mentions, positive = h.positive + excluded.positive,
       negative = h.negative + excluded.negative, sentiment_sum = h.sentiment_sum + excluded.sentiment_sum,
       sentiment_n = h.sentiment_n + excluded.sentiment_n;
"""
DAYS = """
truncate analytics.ward_day_party, analytics.ward_day;
insert into analytics.ward_day
select h.ward_name, analytics.ist_day(h.bucket), sum(h.posts), sum(h.positive), sum(h.negative), sum(h.neutral),
       sum(h.mixed), sum(h.unknown), sum(h.sentiment_sum), sum(h.sentiment_n)
  from analytics.ward_hour h group by 1, 2 order by 1, 2;
insert into analytics.ward_day_party
select h.ward_name, analytics.ist_day(h.bucket), h.party, sum(h.mentions), sum(h.positive), sum(h.negative),
       sum(h.sentiment_sum), sum(h.sentiment_n)
  from analytics.ward_hour_party h group by 1, 2, 3 order by 1, 2, 3;
"""
WARD_AUTHOR = """
truncate analytics.ward_author_day, analytics.ward_author;
insert into analytics.ward_author (ward_name, author_id, last_post_at)
select ward_name, author_id, max(last_post_at) from lokdarpan_bulk.ward_author_part group by 1, 2 order by 1, 2;
"""
WARD_AUTHOR_DAY = """
insert into analytics.ward_author_day (ward_name, day, authors)
select w.ward_name, analytics.ist_day(w.last_post_at), count(*) from analytics.ward_author w group by 1, 2 order by 1, 2;
"""
CHECKS = {
    "analytics.rollup_drift": "select count(*) from analytics.rollup_drift(%(at)s, 'infinity')",
    "analytics.day_rollup_drift": "select count(*) from analytics.day_rollup_drift(%(day)s)",
    "analytics.ward_author_drift": "select count(*) from analytics.ward_author_drift(%(at)s)",
    "analytics.ward_author_day_drift": "select count(*) from analytics.ward_author_day_drift(%(day)s)",
}
INTEGRITY = "ops.validate_data_integrity()"


@dataclass(frozen=True)
class Unit:
    """One month of the dataset: the partition it fills and the numbers of its posts."""

    unit: int
    partition: str  # core.post_pYYYY_MM
    lo: datetime
    hi: datetime
    posts: int
    first_no: int  # the dataset's post numbers first_no .. first_no + posts - 1
    ordered: bool  # a closed month: written in ward order


@dataclass
class BulkReport:
    """What a bulk run did: seconds per phase, units loaded by this run, drift check results."""

    posts: int
    seconds: float
    units_loaded: int
    units_total: int
    phases: dict[str, float]
    checks: dict[str, int]


def months(now: datetime) -> list[tuple[datetime, datetime]]:
    """The UTC month ranges [lo, hi) covering the 365 days before ``now``, clipped to them."""
    now = now.astimezone(UTC)
    start = now - YEAR
    out = []
    m = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while m < now:
        nxt = (m + timedelta(days=32)).replace(day=1)
        out.append((max(m, start), min(nxt, now)))
        m = nxt
    return out


def plan_units(posts: int, now: datetime) -> list[Unit]:
    """Split ``posts`` over the months before ``now`` in proportion to their seconds (largest
    remainder, so the counts add up exactly). Months are UTC months, as the partitions'."""
    now = now.astimezone(UTC)
    ranges = months(now)
    total = sum((hi - lo).total_seconds() for lo, hi in ranges)
    shares = [posts * (hi - lo).total_seconds() / total for lo, hi in ranges]
    counts = [int(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])[: posts - sum(counts)]:
        counts[i] += 1
    units, no = [], 1
    for i, ((lo, hi), c) in enumerate(zip(ranges, counts, strict=True)):
        month_end = (lo.replace(day=1) + timedelta(days=32)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        units.append(
            Unit(
                unit=i,
                partition=f"post_p{lo:%Y_%m}",
                lo=lo,
                hi=hi,
                posts=c,
                first_no=no,
                ordered=month_end <= now - timedelta(days=1),
            )
        )
        no += c
    return units


def needed_bytes(posts: int, largest_unit: int) -> int:
    """Disk a run of ``posts`` posts needs: the data with its indexes plus one unit's sort files."""
    derived = min(posts * DERIVED_BYTES_PER_POST, DERIVED_MAX_BYTES)
    return int(posts * BYTES_PER_POST + derived + largest_unit * BYTES_PER_POST * SORT_SHARE)


def check_disk(conn: psycopg.Connection, need: int, log: Callable[[str], None]) -> None:
    """Refuse (NoSpaceError) when the server's data directory has less than ``need`` bytes free.
    A server whose data directory is not on this machine (or not readable) is only warned about."""
    try:
        data_dir = conn.execute("select current_setting('data_directory')").fetchone()[0]
    except psycopg.Error as e:
        conn.rollback()
        log(f"  free-disk check skipped: the data directory is not readable here ({str(e).strip()})")
        return
    if not Path(data_dir).is_dir():
        log(f"  free-disk check skipped: the server's data directory {data_dir} is not on this machine")
        return
    free = shutil.disk_usage(data_dir).free
    if free < need:
        raise NoSpaceError(
            f"not enough free disk for the dataset in {data_dir}: needs {need:,} bytes "
            f"({need / 2**30:.1f} GiB), {free:,} bytes ({free / 2**30:.1f} GiB) available"
        )
    log(f"  free disk in {data_dir}: {free / 2**30:.1f} GiB, needed ~{need / 2**30:.1f} GiB")


def _exists(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("select to_regclass(%s) is not null", [name]).fetchone()[0]


def _start(conn: psycopg.Connection, posts: int, now: datetime, seed: int, log) -> tuple[dict, list[Unit]]:
    """Create or read the plan: (plan row, units). Refuses a database it cannot continue."""
    have_plan = _exists(conn, f"{SCHEMA}.plan")
    plan = None
    if have_plan:
        r = conn.execute(f"select posts, now, seed, id_base, author_lo, finished_at from {SCHEMA}.plan").fetchone()
        if r:
            plan = dict(zip(("posts", "now", "seed", "id_base", "author_lo", "finished_at"), r, strict=True))
    if plan is not None:
        if plan["posts"] != posts:
            raise UserError(
                f"this database holds an earlier bulk run of {plan['posts']:,} posts (lokdarpan_bulk.plan), "
                f"not {posts:,}: continue it with --posts {plan['posts']} or use a fresh database"
            )
        units = plan_units(posts, plan["now"])
        return plan, units
    n = conn.execute("select count(*) from (select 1 from core.post limit 1) s").fetchone()[0]
    if n:
        raise UserError("core.post already has posts that no bulk run generated: generate into a fresh database")
    units = plan_units(posts, now)
    check_disk(conn, needed_bytes(posts, max(u.posts for u in units)), log)
    with conn.transaction():
        conn.execute(BOOKKEEPING)
        conn.execute(
            "insert into core.author (name) select 'bench author ' || g from generate_series(1, %s) g"
            " on conflict (name) do nothing",
            [AUTHORS],
        )
        author_lo = conn.execute("select min(author_id) from core.author where name like 'bench author %%'").fetchone()[
            0
        ]
        id_base = conn.execute("select nextval('core.post_post_id_seq')").fetchone()[0]
        conn.execute(
            "select setval('core.post_post_id_seq', %s)", [id_base + posts]
        )  # ids id_base+1 .. id_base+posts are ours
        conn.execute(
            f"insert into {SCHEMA}.plan (posts, now, seed, id_base, author_lo) values (%s, %s, %s, %s, %s)",
            [posts, now, seed, id_base, author_lo],
        )
        for u in units:
            conn.execute(
                f"insert into {SCHEMA}.unit (unit, partition, lo, hi, posts, first_no, ordered)"
                " values (%s, %s, %s, %s, %s, %s, %s)",
                [u.unit, u.partition, u.lo, u.hi, u.posts, u.first_no, u.ordered],
            )
            conn.execute(
                "select core.create_monthly_partition('core.post'::regclass, %s, %s)", [u.lo.date().replace(day=1), now]
            )
        # the global dedupe's key is built once after the load (a sorted build instead of 53M
        # random B-tree insertions); the plan row records that it is pending
        if conn.execute("select exists (select 1 from core.post_fingerprint)").fetchone()[0]:
            raise UserError("core.post_fingerprint is not empty: generate into a fresh database")
        # the key as the deployed plan has it ((fingerprint) at v1.0.0, (created_at, fingerprint)
        # after the core/post rework), rebuilt the same at the end
        key = conn.execute(
            "select pg_get_constraintdef(oid) from pg_constraint"
            " where conname = 'pk_post_fingerprint' and conrelid = 'core.post_fingerprint'::regclass"
        ).fetchone()[0]
        conn.execute(f"update {SCHEMA}.plan set fingerprint_key = %s", [key])
        conn.execute("alter table core.post_fingerprint drop constraint pk_post_fingerprint")
    log(f"  bulk plan: {posts:,} posts in {len(units)} monthly units before {now:%Y-%m-%d %H:%M} UTC")
    return {"posts": posts, "now": now, "seed": seed, "id_base": id_base, "author_lo": author_lo}, units


def _load_unit(url: str, plan: dict, u: Unit, fail_after_insert: bool = False) -> dict[str, float]:
    """Load one unit (see the module's steps 1-4); returns the seconds of each step. The posts and their indexes
    are written into a table of their own first (it holds no lock on core.post, so units load side
    by side); the swap and the additions to the shared tables then commit as one transaction,
    one unit at a time, which also records the unit. A table left by an interrupted unit is
    dropped and the unit done again."""
    t0 = time.perf_counter()
    steps: dict[str, float] = {}
    new = f"{u.partition}__bulk"
    q = sql.Identifier
    with psycopg.connect(url, autocommit=True) as conn:
        # a killed generator's statements end within seconds instead of running on for minutes
        # (and holding the unit's table a rerun drops)
        conn.execute("set client_connection_check_interval = '5s'")
        conn.execute("set timezone = 'UTC'")  # the instants' text in the fingerprints
        conn.execute(sql.SQL("drop table if exists core.{}").format(q(new)))
        conn.execute(
            sql.SQL(
                "create table core.{} (like core.post including defaults including constraints "
                "including storage including generated) with (autovacuum_enabled = false)"
            ).format(q(new))
        )  # autovacuum would scan it between the load and the swap (whose lock then cancels it);
        # the unit vacuums it itself once swapped in, and the swap resets the option
        with conn.transaction():
            conn.execute("set local maintenance_work_mem = '1GB'")
            conn.execute("set local work_mem = '256MB'")
            conn.execute(
                "select setseed(%s)", [((plan["seed"] * 1_000_003 + u.unit * 7919) % 2_000_001) / 1_000_000 - 1]
            )
            cols = sql.SQL("post_id, created_at, city, author_id, text, emotion, party, fingerprint")
            # ward order by the ward's position in the name-sorted array: the order of city
            # without a collation-aware string comparison per sort step (~5x the sort's cost)
            order = sql.SQL("wi, created_at" if u.ordered else "created_at")
            conn.execute(
                sql.SQL(
                    "insert into core.{} ({}) select {} from (" + UNIT_ROWS.format(authors=AUTHORS) + ") s order by {}"
                ).format(q(new), cols, cols, order),
                {
                    "words": WORDS,
                    "id_base": plan["id_base"] - 1,
                    "author_lo": plan["author_lo"],
                    "first_no": u.first_no,
                    "last_no": u.first_no + u.posts - 1,
                    "lo_e": u.lo.timestamp(),
                    "hi_e": u.hi.timestamp(),
                    "span_us": (u.hi - u.lo).total_seconds() * 1e6,
                },
            )
            steps["insert"] = time.perf_counter() - t0
            if fail_after_insert:
                raise RuntimeError(f"injected failure in unit {u.unit} (tests)")
            old_oid, rng_from, rng_to = _build_indexes(conn, new, u)
            steps["indexes"] = time.perf_counter() - t0 - steps["insert"]
        with conn.transaction():
            # plain inserts into tables without keys: side by side with other units
            conn.execute(
                sql.SQL(
                    "insert into {}.ward_author_part select %s, city, author_id, max(created_at) from core.{} "
                    "where author_id is not null group by 2, 3"
                ).format(q(SCHEMA), q(new)),
                [u.unit],
            )
            conn.execute(
                sql.SQL(
                    "insert into core.post_fingerprint (fingerprint, post_id, created_at)"
                    " select fingerprint, post_id, created_at from core.{}"
                ).format(q(new))
            )
            rollups = _exists(conn, "analytics.ward_hour")
            if rollups:
                conn.execute(sql.SQL(HOURS_AGG).format(t=sql.SQL("core.{}").format(q(new))))
            # one unit at a time swaps and adds to the shared rows (rollup hours at month ends)
            conn.execute("select pg_advisory_xact_lock(hashtext('lokdarpan_bulk'), 1)")
            _swap_in(conn, new, u, old_oid, rng_from, rng_to)
            if rollups:
                conn.execute(HOURS)
            seconds = round(time.perf_counter() - t0, 3)
            if u.ordered:
                conn.execute(
                    "insert into core.ordered_partition (table_schema, table_name, parent_schema, parent_table,"
                    " order_by, row_count, seconds) values ('core', %s, 'core', 'post', 'city, created_at', %s, %s)"
                    " on conflict (table_schema, table_name) do update set row_count = excluded.row_count,"
                    " ordered_at = excluded.ordered_at, seconds = excluded.seconds",
                    [u.partition, u.posts, seconds],
                )
            conn.execute(
                sql.SQL("update {}.unit set loaded_at = clock_timestamp(), seconds = %s where unit = %s").format(
                    q(SCHEMA)
                ),
                [seconds, u.unit],
            )
        steps["swap and derived"] = time.perf_counter() - t0 - steps["insert"] - steps["indexes"]
        _vacuum(conn, u)
    steps["vacuum"] = time.perf_counter() - t0 - sum(steps.values())
    return steps


def _vacuum(conn: psycopg.Connection, u: Unit) -> None:
    """Visibility map, statistics and hint bits of a loaded unit, as autovacuum would leave them."""
    conn.execute(sql.SQL("vacuum (analyze) core.{}").format(sql.Identifier(u.partition)))
    conn.execute(
        sql.SQL("update {}.unit set vacuumed_at = clock_timestamp() where unit = %s").format(sql.Identifier(SCHEMA)),
        [u.unit],
    )


def _build_indexes(conn: psycopg.Connection, new: str, u: Unit) -> tuple[int, str, str]:
    """Build core.post's indexes (and a CHECK matching the month's bounds, so attaching scans
    nothing) on table ``new``: (old partition's oid, range from, range to)."""
    q = sql.Identifier
    bounds = conn.execute(
        "select partition_oid, range_from, range_to from core.partitions_of('core.post'::regclass)"
        " where partition_schema = 'core' and partition_name = %s and not is_default",
        [u.partition],
    ).fetchone()
    if bounds is None:
        raise UserError(f"core.{u.partition} is not a monthly partition of core.post")
    old_oid, rng_from, rng_to = bounds
    conn.execute(
        sql.SQL("alter table core.{} add constraint {} check (created_at >= {} and created_at < {})").format(
            q(new), q(new + "__bounds"), sql.Literal(rng_from), sql.Literal(rng_to)
        )
    )
    ddl = conn.execute(
        """
        select case when k.oid is not null
                    then format('alter table core.%%I add %%s', %(new)s::text, pg_get_constraintdef(k.oid))
                    else regexp_replace(pg_get_indexdef(x.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON ONLY \\S+ ',
                                        format('CREATE \\1INDEX ON core.%%I ', %(new)s::text)) end
          from pg_index x
          left join pg_constraint k on k.conindid = x.indexrelid and k.conrelid = x.indrelid and k.contype in ('p', 'u')
         where x.indrelid = 'core.post'::regclass
        """,
        {"new": new},
    ).fetchall()
    for (stmt,) in ddl:
        conn.execute(stmt)
    return old_oid, rng_from, rng_to


def _swap_in(conn: psycopg.Connection, new: str, u: Unit, old_oid: int, rng_from: str, rng_to: str) -> None:
    """Swap table ``new`` in for the (empty) partition of ``u``'s month and give it that
    partition's name and index names (as core.order_partition does)."""
    q = sql.Identifier
    if conn.execute(sql.SQL("select exists (select 1 from core.{})").format(q(u.partition))).fetchone()[0]:
        raise UserError(f"core.{u.partition} already has posts: the bulk generator fills empty partitions only")
    names: dict[int, str] = dict(
        conn.execute(
            "select i.inhparent, c.relname from pg_index x join pg_class c on c.oid = x.indexrelid"
            " join pg_inherits i on i.inhrelid = x.indexrelid where x.indrelid = %s",
            [old_oid],
        ).fetchall()
    )
    conn.execute(sql.SQL("alter table core.post detach partition core.{}").format(q(u.partition)))
    conn.execute(
        sql.SQL("alter table core.post attach partition core.{} for values from ({}) to ({})").format(
            q(new), sql.Literal(rng_from), sql.Literal(rng_to)
        )
    )
    conn.execute(sql.SQL("alter table core.{} drop constraint {}").format(q(new), q(new + "__bounds")))
    conn.execute(sql.SQL("drop table core.{}").format(q(u.partition)))
    conn.execute(sql.SQL("alter table core.{} rename to {}").format(q(new), q(u.partition)))
    conn.execute(sql.SQL("alter table core.{} reset (autovacuum_enabled)").format(q(u.partition)))
    for parent, idx in conn.execute(
        "select i.inhparent, c.relname from pg_index x join pg_class c on c.oid = x.indexrelid"
        " join pg_inherits i on i.inhrelid = x.indexrelid where x.indrelid = %s::regclass",
        [f"core.{u.partition}"],
    ).fetchall():
        if parent in names and names[parent] != idx:
            conn.execute(sql.SQL("alter index core.{} rename to {}").format(q(idx), q(names[parent])))


def _finish(url: str, plan: dict, log) -> dict[str, float]:
    """The derived tables built from the loaded units, the fingerprint key, statistics."""
    phases: dict[str, float] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("set maintenance_work_mem = '1GB'")
        conn.execute("set work_mem = '256MB'")
        t = time.perf_counter()
        # one transaction, which drops the staged maxima: a resumed run finding them gone has
        # nothing left to derive (and no table of ward data is left outside row-level security)
        with conn.transaction():
            if _exists(conn, f"{SCHEMA}.ward_author_part"):
                if _exists(conn, "analytics.ward_day"):
                    conn.execute(DAYS)
                if _exists(conn, "analytics.ward_author"):
                    conn.execute(WARD_AUTHOR)
                    conn.execute(WARD_AUTHOR_DAY)
                conn.execute(f"drop table {SCHEMA}.ward_author_part")
        phases["day rollups, ward_author, ward_author_day"] = time.perf_counter() - t
        log(f"  derived day rollups, ward_author and its day histogram in {phases[next(reversed(phases))]:.0f} s")
        t = time.perf_counter()
        has_pk = conn.execute(
            "select exists (select 1 from pg_constraint where conname = 'pk_post_fingerprint'"
            " and conrelid = 'core.post_fingerprint'::regclass)"
        ).fetchone()[0]
        if not has_pk:
            key = conn.execute(f"select fingerprint_key from {SCHEMA}.plan").fetchone()[0]
            if not re.fullmatch(r"PRIMARY KEY \([a-z_, ]+\)", key):
                raise UserError(f"{SCHEMA}.plan.fingerprint_key is not a primary key definition: {key!r}")
            conn.execute(f"alter table core.post_fingerprint add constraint pk_post_fingerprint {key}")
        phases["post_fingerprint key"] = time.perf_counter() - t
        log(f"  core.post_fingerprint primary key built in {phases['post_fingerprint key']:.0f} s")
        t = time.perf_counter()
        for table in ("core.author", "core.post_fingerprint", *POST_ROLLUPS):
            if _exists(conn, table):
                conn.execute(sql.SQL("vacuum (analyze) {}").format(sql.SQL(table)))
        conn.execute("analyze core.post")  # the parent's own statistics (the partitions have theirs)
        phases["statistics"] = time.perf_counter() - t
    return phases


def run_checks(url: str, since: datetime | None, log: Callable[[str], None] = print, jobs: int = 1) -> dict[str, int]:
    """The drift checks over the posts from ``since`` (None: all time) and
    ops.validate_data_integrity(): rows each finds (0 = exact; an integrity check's FAIL counts
    its records), ``jobs`` checks at a time (each a connection: they are independent scans of the
    posts). Raises ValidationFailed naming every check that found something."""
    with psycopg.connect(url, autocommit=True) as conn:
        day = conn.execute("select analytics.ist_day(%s)", [since]).fetchone()[0] if since else "-infinity"
        present = [
            name
            for name in CHECKS
            if conn.execute(
                "select exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                " where n.nspname || '.' || p.proname = %s)",
                [name],
            ).fetchone()[0]
        ]
        if conn.execute("select to_regproc('ops.validate_data_integrity') is not null").fetchone()[0]:
            present.append(INTEGRITY)
    lock = threading.Lock()

    def one(name: str) -> dict[str, int]:
        t = time.perf_counter()
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("set work_mem = '256MB'")
            if name == INTEGRITY:
                got = {
                    f"integrity check {check}": int(n or 1)
                    for check, status, n, _desc in c.execute("select * from ops.validate_data_integrity()")
                    if status == "FAIL"
                }
                line = f"  {name} ({time.perf_counter() - t:.0f} s)"
            else:
                got = {name: c.execute(CHECKS[name], {"at": since or "-infinity", "day": day}).fetchone()[0]}
                line = f"  {name}: {got[name]} rows differ ({time.perf_counter() - t:.0f} s)"
        with lock:
            log(line)
        return got

    found: dict[str, int] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for got in pool.map(one, present):
            found.update(got)
    bad = {k: v for k, v in found.items() if v}
    if bad:
        raise ValidationFailed(
            "the bulk dataset's derived tables drift: " + ", ".join(f"{k} finds {v}" for k, v in sorted(bad.items()))
        )
    return found


def unfinished_posts(url: str) -> int:
    """The posts count of an interrupted bulk run in the database at ``url`` (0 when none)."""
    with psycopg.connect(url, autocommit=True) as conn:
        if not _exists(conn, f"{SCHEMA}.plan"):
            return 0
        r = conn.execute(
            sql.SQL("select posts from {}.plan where finished_at is null").format(sql.Identifier(SCHEMA))
        ).fetchone()
        return int(r[0]) if r else 0


def bulk_seconds(url: str) -> float | None:
    """Seconds from the plan of the bulk run that generated the database at ``url`` to its end,
    pauses between an interruption and the rerun included (None: no finished bulk run)."""
    with psycopg.connect(url, autocommit=True) as conn:
        if not _exists(conn, f"{SCHEMA}.plan"):
            return None
        r = conn.execute(
            sql.SQL(
                "select extract(epoch from finished_at - started_at) from {}.plan where finished_at is not null"
            ).format(sql.Identifier(SCHEMA))
        ).fetchone()
        return float(r[0]) if r and r[0] is not None else None


def generate_bulk(
    url: str,
    posts: int,
    now: datetime,
    log: Callable[[str], None] = print,
    *,
    jobs: int = 1,
    seed: int = 21,
    check: bool = True,
    check_since: datetime | None = None,
    _stop_after: int | None = None,
    _fail_unit: int | None = None,
) -> BulkReport:
    """Generate ``posts`` posts over the 365 days before ``now`` into the database at ``url`` (a
    fresh deployed database, or one an interrupted earlier call left: it continues, keeping that
    call's ``now`` and seed), ``jobs`` units at a time; then, unless ``check`` is false, the drift
    checks over the posts from ``check_since`` (None: all of them), ``jobs`` at a time. Raises ValidationFailed on
    drift, NoSpaceError when the disk is too small, UserError for a database it cannot fill or
    another run filling it. (``_stop_after``/``_fail_unit``: interruptions, for the tests.)"""
    if posts < 1:
        raise UserError(f"--posts must be at least 1, got {posts}")
    if now.tzinfo is None:
        raise UserError("now must be an aware datetime (e.g. datetime.now(UTC))")
    now = now.astimezone(UTC)
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        if not _exists(conn, "core.post"):
            raise UserError("the database has no core.post: deploy the plan first")
        if not conn.execute("select pg_try_advisory_lock(hashtext('lokdarpan_bulk'), 0)").fetchone()[0]:
            raise UserError("another bulk generator is filling this database (advisory lock lokdarpan_bulk held)")
        # released on the way out, not when the server notices the closed session: a run started
        # right after this one returns (or fails) must not find the lock still held
        try:
            plan, units = _start(conn, posts, now, seed, log)
            done: dict[int, bool] = dict(
                conn.execute(
                    sql.SQL("select unit, vacuumed_at is not null from {}.unit where loaded_at is not null").format(
                        sql.Identifier(SCHEMA)
                    )
                ).fetchall()
            )
            finished = conn.execute(
                sql.SQL("select finished_at from {}.plan").format(sql.Identifier(SCHEMA))
            ).fetchone()[0]
            if finished is not None:
                log(f"  bulk dataset already complete ({posts:,} posts, finished {finished:%Y-%m-%d %H:%M} UTC)")
                return BulkReport(posts, 0.0, 0, len(units), {}, {})
            for unit_no, vacuumed in done.items():
                if not vacuumed:  # loaded, then interrupted before its vacuum
                    _vacuum(conn, units[unit_no])
            todo = [u for u in units if u.unit not in done]
            if done:
                log(f"  continuing an earlier run: {len(done)} of {len(units)} units are loaded")
                if todo:
                    check_disk(conn, needed_bytes(sum(u.posts for u in todo), max(u.posts for u in todo)), log)
            loaded, phases = _load_units(
                url, plan, todo if _stop_after is None else todo[:_stop_after], len(todo), jobs, log, _fail_unit
            )
            if _stop_after is not None and len(todo) > _stop_after:
                return BulkReport(posts, time.perf_counter() - t0, loaded, len(units), phases, {})
            phases.update(_finish(url, plan, log))
            checks: dict[str, int] = {}
            if check:
                t = time.perf_counter()
                checks = run_checks(url, check_since, log, jobs)
                phases["drift checks"] = time.perf_counter() - t
            seconds = time.perf_counter() - t0
            conn.execute(
                sql.SQL("update {}.plan set finished_at = clock_timestamp(), seconds = %s").format(
                    sql.Identifier(SCHEMA)
                ),
                [round(seconds, 1)],
            )
        finally:
            if not conn.closed and not conn.broken:
                conn.execute("select pg_advisory_unlock(hashtext('lokdarpan_bulk'), 0)")
    return BulkReport(posts, seconds, loaded, len(units), phases, checks)


def _load_units(
    url: str, plan: dict, queue: list[Unit], total: int, jobs: int, log: Callable[[str], None], fail_unit: int | None
) -> tuple[int, dict[str, float]]:
    """Load ``queue`` on ``jobs`` threads (a connection each), logging progress: (units loaded, phases)."""
    t0 = time.perf_counter()
    lock = threading.Lock()
    errors: list[BaseException] = []
    state = {"units": 0, "posts": 0}
    left_posts = sum(u.posts for u in queue)
    pending = list(queue)
    step_total: dict[str, float] = {}

    def worker() -> None:
        while True:
            with lock:
                if not pending or errors:
                    return
                u = pending.pop(0)
            try:
                s = _load_unit(url, plan, u, fail_after_insert=u.unit == fail_unit)
            except BaseException as e:  # noqa: BLE001 - re-raised by the caller's thread below
                with lock:
                    errors.append(e)
                return
            with lock:
                state["units"] += 1
                for k, v in s.items():
                    step_total[k] = step_total.get(k, 0.0) + v
                state["posts"] += u.posts
                el = time.perf_counter() - t0
                eta = el / state["posts"] * (left_posts - state["posts"])
                log(
                    f"  unit {state['units']}/{total} core.{u.partition}: {u.posts:,} posts in {sum(s.values()):.0f} s "
                    f"({', '.join(f'{k} {v:.0f} s' for k, v in s.items())}) "
                    f"({state['posts']:,} of {left_posts:,} posts in {el:.0f} s, ~{eta:.0f} s left)"
                )

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, min(jobs, len(queue))))]
    for th in threads:
        th.start()
    for th in threads:
        while th.is_alive():  # a timed join lets Ctrl-C through to this thread (a plain join did not)
            th.join(0.5)
    if errors:
        raise errors[0]
    return state["units"], {
        "units": time.perf_counter() - t0,
        **{f"units: {k} (sum)": v for k, v in step_total.items()},
    }
