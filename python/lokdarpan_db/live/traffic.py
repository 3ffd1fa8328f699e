"""Application traffic against a live database: N clients (threads, one psycopg connection each,
``application_name`` = ``<prefix>-<n>``) sending the application's statement mix at a bounded
rate, recording every statement's latency, every error and every acknowledged write.

The mix (weights in ``DEFAULT_MIX``):

* ward API calls, as the application sends them: ``get_ward_intelligence_fast(ward, 30)``,
  ``get_ward_competitive_analysis(ward, 30)``, ``get_ward_sentiment_timeline(ward, 30)``,
  ``search_posts(words, ward, 20, 30)``;
* the plain read ``SELECT ... FROM core.post WHERE city = $1 AND created_at >= $2 ORDER BY
  created_at DESC LIMIT 800`` (the application's ward feed);
* ``post_insert``: one ``INSERT INTO core.post (...) VALUES (...) RETURNING post_id`` (the
  e-paper task's write, every mapped column named, NULL for unset ones);
* ``post_batch``: the ORM's batched ``INSERT ... SELECT ... FROM (VALUES ...) ORDER BY
  sen_counter RETURNING post_id`` of 20 posts;
* ``ingest_batch``: 50 posts exactly as ``lokdarpan-db ingest`` writes them (authors registered,
  a batch row, COPY into staging, ``ingest.merge_post_batch``), through ``ingest._run_batch``;
* ``alert_update``: ``UPDATE core.alert SET ... WHERE alert_id = $1`` on alerts each client
  created with the application's INSERT at start (the ORM requires exactly one row updated).

Kinds whose objects do not exist are skipped until they do: a detector re-reads the catalog every
``redetect_s`` seconds (and a client re-checks at once after an "undefined object" error), so
the mix follows a deploy or revert as it happens.

``spare_wards`` keeps the clients away from some wards (reads and writes): today's verify scripts
use ward ``Kapra`` as their sentinel and compare counts before and after posts of their own, so
an application writing Kapra posts at the same moment makes a deploy fail its verify (see
docs/operations.md); sparing it measures everything else.

Every error counts as an application failure, with one exception reported apart
(``StatementError.vanished``): an "undefined function/table/schema" error (42883, 42P01, 3F000)
on a kind whose own entry point (the called function, the table written) no longer exists when
the client re-checks right after the error — the statement raced a revert that legitimately
removed what it calls; an application would stop calling an API the DBA removes. An error raised
*inside* an entry point that still exists (e.g. a trigger function failing during an INSERT
into ``core.post``) always counts.

Bounded: stops after ``duration`` seconds or ``max_statements`` statements, whichever is first;
every client has ``statement_timeout`` (30 s by default). Loopback servers only (a unix socket,
localhost, 127.0.0.0/8, ::1) unless ``allow_remote=True``.
"""

from __future__ import annotations

import ipaddress
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.conninfo import conninfo_to_dict

from ..errors import UserError

PREFIX = "lokdarpan-live"
WORDS = ("water supply", "drainage", "potholes", "garbage", "streetlights", "metro", "traffic")
EMOTIONS = ("positive", "negative", "neutral", "mixed", "unknown")
PARTIES = ("BJP", "INC", "BRS", "AIMIM", None)
UNDEFINED = {"42883", "42P01", "3F000"}


@dataclass(frozen=True)
class Kind:
    """One kind of application statement: its name, the objects it needs, its share of the mix."""

    name: str
    requires: tuple[str, ...]  # "proc:schema.name" or "rel:schema.name": the kind's entry points
    run: Callable  # (traffic, client, conn, rng) -> list of acks


@dataclass(frozen=True)
class StatementError:
    """One failed application statement: kind, when, SQLSTATE and message."""

    kind: str
    at: float  # seconds since the traffic started
    wall: str  # UTC wall-clock time, ISO
    client: int
    sqlstate: str | None
    message: str
    vanished: bool = False  # raced a revert that removed the kind's entry point (see module doc)


@dataclass
class KindStats:
    """Latency and error counts of one statement kind."""

    kind: str
    count: int = 0
    errors: int = 0
    vanished: int = 0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    max_ms: float = 0.0
    max_at: float | None = None  # seconds since the traffic started, when the longest one began


@dataclass
class TrafficResult:
    """What a traffic run saw: per-kind statistics, every error, every acknowledged write."""

    seconds: float
    clients: int
    kinds: dict[str, KindStats]
    errors: list[StatementError]
    posts_acked: int
    alerts_acked: int

    @property
    def app_errors(self) -> list[StatementError]:
        """The errors the application would see (not those of a statement that raced a revert)."""
        return [e for e in self.errors if not e.vanished]

    @property
    def longest(self) -> tuple[float, str | None, float | None]:
        """(ms, kind, seconds since start) of the longest statement."""
        best = max(self.kinds.values(), key=lambda k: k.max_ms, default=None)
        return (best.max_ms, best.kind, best.max_at) if best else (0.0, None, None)

    def table(self) -> str:
        """The per-kind statistics as a Markdown table."""
        rows = [
            "| statement | count | errors | raced a revert | p50 ms | p99 ms | max ms | max at s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for k in sorted(self.kinds.values(), key=lambda k: k.kind):
            at = f"{k.max_at:.1f}" if k.max_at is not None else ""
            rows.append(
                f"| {k.kind} | {k.count:,} | {k.errors} | {k.vanished} | {k.p50_ms:.1f} | "
                f"{k.p99_ms:.1f} | {k.max_ms:.1f} | {at} |"
            )
        return "\n".join(rows)


def quantile(sorted_values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of sorted values; NaN when empty."""
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(round(q * (len(sorted_values) - 1))))]


def check_loopback(url: str) -> None:
    """Refuse a server that is not on this machine (loopback or a unix socket)."""
    params = conninfo_to_dict(url)
    for host in str(params.get("host") or "").split(","):
        host = host.strip()
        if not host or host.startswith("/") or host == "localhost":
            continue
        try:
            if ipaddress.ip_address(host).is_loopback:
                continue
        except ValueError:
            pass
        raise UserError(
            f"live traffic goes to loopback servers only; host {host!r} is not "
            "(pass allow_remote=True to send it elsewhere)"
        )


# -- the statements --------------------------------------------------------------------------
def _ward_call(sql: str, with_words: bool = False):
    def run(traffic, client, conn, rng):
        ward = rng.choice(traffic.wards)
        args = [rng.choice(WORDS), ward] if with_words else [ward]
        conn.execute(sql, args).fetchall()
        return []

    return run


def _post_select(traffic, client, conn, rng):
    since = datetime.now(UTC) - timedelta(days=1)
    conn.execute(
        "SELECT post_id, created_at, city, author_id, epaper_id, text, emotion, party"
        " FROM core.post WHERE city = %s AND created_at >= %s"
        " ORDER BY created_at DESC LIMIT 800",
        [rng.choice(traffic.wards), since],
    ).fetchall()
    return []


def _new_post(traffic, client, rng) -> tuple:
    seq = traffic.next_seq()
    ward = rng.choice(traffic.wards)
    text = f"live traffic {client} {seq}: {rng.choice(WORDS)} near {rng.choice(WORDS)}"
    at = datetime.now(UTC) - timedelta(seconds=rng.randint(0, 3600))
    return text, ward, rng.choice(EMOTIONS), rng.choice(PARTIES), at


def _post_insert(traffic, client, conn, rng):
    text, ward, emotion, party, at = _new_post(traffic, client, rng)
    pid = conn.execute(
        "INSERT INTO core.post (text, author_id, city, emotion, party, created_at, epaper_id, fingerprint)"
        " VALUES (%s, NULL, %s, %s, %s, %s, NULL, core.post_fingerprint(%s, NULL, %s, %s))"
        " RETURNING post_id",
        [text, ward, emotion, party, at, ward, at, text],
    ).fetchone()[0]
    return [("post", pid)]


def _post_batch(traffic, client, conn, rng, n: int = 20):
    rows = [_new_post(traffic, client, rng) for _ in range(n)]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * n)
    params = [v for i, (text, ward, emo, party, at) in enumerate(rows) for v in (text, ward, emo, party, at, i)]
    ids = conn.execute(
        "INSERT INTO core.post (text, author_id, city, emotion, party, created_at, epaper_id, fingerprint)"
        " SELECT p0::text, NULL::bigint, p2::text, p3::text, p4::text, p5::timestamptz, NULL::bigint,"
        " core.post_fingerprint(p2, NULL, p5, p0)"
        f" FROM (VALUES {values}) AS imp_sen(p0, p2, p3, p4, p5, sen_counter) ORDER BY sen_counter"
        " RETURNING post_id",
        params,
    ).fetchall()
    if len(ids) != n:
        raise _AppError(f"batched insert returned {len(ids)} ids for {n} rows")
    return [("post", r[0]) for r in ids]


def _ingest_batch(traffic, client, conn, rng, n: int = 50):
    from ..ingest.load import _run_batch
    from ..ingest.read import Batch, fingerprint

    seq = traffic.next_seq()
    batch = Batch(kind="posts", source=f"{traffic.prefix}-{client}.jsonl", first_line=1, last_line=n)
    for line in range(1, n + 1):
        text, ward, emotion, party, at = _new_post(traffic, client, rng)
        author = f"live author {client} {seq % 7}"
        batch.rows.append((line, text, author, ward, emotion, party, at, None, fingerprint(ward, author, at, text)))
        batch.raw[line] = text
    sha = f"{seq:064x}"[-64:]
    inserted, _dups, rejects, _ = _run_batch(conn, batch, sha, None, False)
    rejected = {ln for ln, _ in rejects}
    if rejected:
        raise _AppError(f"ingest merge rejected {len(rejected)} of {n} generated posts")
    return [("fingerprint", r[8]) for r in batch.rows]


def _alert_update(traffic, client, conn, rng):
    mine = traffic.alerts.get(client)
    if not mine:
        return []
    alert_id = rng.choice(mine)
    desc = f"live alert {client} update {traffic.next_seq()}"
    cur = conn.execute(
        "UPDATE core.alert SET description = %s, severity = %s, updated_at = now() WHERE alert_id = %s",
        [desc, rng.choice(("low", "medium", "high")), alert_id],
    )
    if cur.rowcount != 1:
        raise _AppError(f"UPDATE core.alert by id updated {cur.rowcount} rows")
    return [("alert", (alert_id, desc))]


class AppError(Exception):
    """The application would treat this as a failure (e.g. an ORM rowcount check)."""


_AppError = AppError


API = "proc:analytics."
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "get_ward_intelligence_fast",
            (API + "get_ward_intelligence_fast",),
            _ward_call("SELECT * FROM analytics.get_ward_intelligence_fast(%s, 30)"),
        ),
        Kind(
            "get_ward_competitive_analysis",
            (API + "get_ward_competitive_analysis",),
            _ward_call("SELECT * FROM analytics.get_ward_competitive_analysis(%s, 30)"),
        ),
        Kind(
            "get_ward_sentiment_timeline",
            (API + "get_ward_sentiment_timeline",),
            _ward_call("SELECT * FROM analytics.get_ward_sentiment_timeline(%s, 30)"),
        ),
        Kind(
            "search_posts",
            (API + "search_posts",),
            _ward_call("SELECT * FROM analytics.search_posts(%s, %s, 20, 30)", with_words=True),
        ),
        Kind("post_select", ("rel:core.post",), _post_select),
        Kind("post_insert", ("rel:core.post", "proc:core.post_fingerprint"), _post_insert),
        Kind("post_batch", ("rel:core.post", "proc:core.post_fingerprint"), _post_batch),
        Kind(
            "ingest_batch",
            (
                "rel:core.post",
                "rel:ingest.batch",
                "rel:ingest.staging_post",
                "proc:ingest.merge_post_batch",
                "proc:ingest.register_authors",
            ),
            _ingest_batch,
        ),
        Kind("alert_update", ("rel:core.alert",), _alert_update),
    )
}
DEFAULT_MIX = {
    "get_ward_intelligence_fast": 3,
    "get_ward_competitive_analysis": 1,
    "get_ward_sentiment_timeline": 1,
    "search_posts": 1,
    "post_select": 2,
    "post_insert": 2,
    "post_batch": 0.5,
    "ingest_batch": 0.25,
    "alert_update": 1,
}

_DETECT = """
select r.req, case when split_part(r.req, ':', 1) = 'rel'
                   then to_regclass(split_part(r.req, ':', 2)) is not null
                   else exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                                 where n.nspname = split_part(split_part(r.req, ':', 2), '.', 1)
                                   and p.proname = split_part(split_part(r.req, ':', 2), '.', 2)) end
  from unnest(%s::text[]) r(req)
"""


class Traffic:
    """Start with ``start()`` (or ``with Traffic(...) as t:``), read ``window()`` while it runs,
    ``stop()`` returns the ``TrafficResult``; ``missing_writes()`` afterwards lists every
    acknowledged write no longer in the database."""

    def __init__(
        self,
        url: str,
        *,
        clients: int = 4,
        rate: float = 5.0,
        mix: dict[str, float] | None = None,
        duration: float = 60.0,
        max_statements: int | None = None,
        statement_timeout_ms: int = 30_000,
        redetect_s: float = 1.0,
        alerts_per_client: int = 3,
        prefix: str = PREFIX,
        seed: int | None = None,
        allow_remote: bool = False,
        spare_wards: tuple[str, ...] = (),
        kinds: dict[str, Kind] | None = None,
    ):
        if not allow_remote:
            check_loopback(url)
        if clients < 1 or rate <= 0 or duration <= 0:
            raise UserError("live traffic needs at least one client, a positive rate and duration")
        self.url, self.clients, self.rate = url, clients, rate
        # the statement kinds this traffic sends (a subclass passes its own, e.g. live.legacy)
        self.kinds = KINDS if kinds is None else kinds
        self.mix = {k: w for k, w in (mix or DEFAULT_MIX).items() if w > 0}
        unknown = set(self.mix) - set(self.kinds)
        if unknown:
            raise UserError(f"unknown statement kinds {sorted(unknown)}; known: {sorted(self.kinds)}")
        self.duration, self.max_statements = duration, max_statements
        self.statement_timeout_ms, self.redetect_s = statement_timeout_ms, redetect_s
        self.alerts_per_client, self.prefix = alerts_per_client, prefix
        self.spare_wards = {w.lower() for w in spare_wards}
        self.seed = random.randrange(1 << 30) if seed is None else seed
        self.wards: list[str] = []
        self.alerts: dict[int, list[int]] = {}
        self.available: tuple[str, ...] = ()
        self._lock = threading.Lock()
        self._seq = 0
        self._issued = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        # per client: (kind, start monotonic, ms) of every completed statement
        self._samples: list[list[tuple[str, float, float]]] = [[] for _ in range(clients)]
        self._errors: list[StatementError] = []
        self._post_ids: set[int] = set()
        self._fingerprints: set[bytes] = set()
        self._alert_state: dict[int, str] = {}
        self.t0 = 0.0
        self._result: TrafficResult | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    def _connect(self, name: str) -> psycopg.Connection:
        conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10, application_name=f"{self.prefix}-{name}")
        conn.execute(f"SET statement_timeout = {int(self.statement_timeout_ms)}")
        return conn

    def start(self) -> Traffic:
        """Start the clients; returns at once."""
        with self._connect("setup") as conn:
            self.setup(conn)
        self.t0 = time.monotonic()
        self._deadline = self.t0 + self.duration
        self._threads = [threading.Thread(target=self._detector, name="live-detect", daemon=True)]
        self._threads += [
            threading.Thread(target=self._client, args=(i,), name=f"live-{i}", daemon=True) for i in range(self.clients)
        ]
        for t in self._threads:
            t.start()
        return self

    def setup(self, conn) -> None:
        """Before the clients start: the ward list, the detected kinds, each client's alerts."""
        self.wards = [
            r[0]
            for r in conn.execute("SELECT ward_name FROM core.ward ORDER BY ward_name")
            if r[0].lower() not in self.spare_wards
        ]
        if not self.wards:
            raise UserError("core.ward is empty (or every ward spared): live traffic needs the ward registry")
        self.available = self._detect(conn)
        if "alert_update" in self.mix and "alert_update" in self.available:
            for client in range(self.clients):
                self.alerts[client] = []
                for _ in range(self.alerts_per_client):
                    # the application's INSERT (every mapped column, now() for both stamps)
                    desc = f"live alert {client} created"
                    aid = conn.execute(
                        "INSERT INTO core.alert (ward_name, description, severity, opportunities, threats,"
                        " actionable_alerts, source_articles, created_at, updated_at) VALUES"
                        " (%s, %s, 'medium', '[]', '[]', '[]', '[]', now(), now())"
                        " RETURNING alert_id, created_at, updated_at",
                        [self.wards[client % len(self.wards)], desc],
                    ).fetchone()[0]
                    self.alerts[client].append(aid)
                    self._alert_state[aid] = desc

    def __enter__(self) -> Traffic:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> TrafficResult:
        """Stop the clients and return what they saw."""
        self._stop.set()
        for t in self._threads:
            t.join(self.statement_timeout_ms / 1000 + 15)
        if self._result is None:
            self._result = self.result()
        return self._result

    @property
    def running(self) -> bool:
        """Whether any client is still running."""
        return any(t.is_alive() for t in self._threads[1:])

    def next_seq(self) -> int:
        """The next sequence number for an acknowledged write."""
        with self._lock:
            self._seq += 1
            return self._seq

    # -- detection -------------------------------------------------------------------------------
    def _detect(self, conn) -> tuple[str, ...]:
        reqs = sorted({r for k in self.mix for r in self.kinds[k].requires})
        present = dict(conn.execute(_DETECT, [reqs]).fetchall())
        return tuple(k for k in self.mix if all(present[r] for r in self.kinds[k].requires))

    def _detector(self) -> None:
        conn = None
        while not self._stop.wait(self.redetect_s) and time.monotonic() < self._deadline:
            try:
                conn = conn if conn is not None and not conn.closed else self._connect("detect")
                self.available = self._detect(conn)
            except psycopg.Error:
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    # -- clients ---------------------------------------------------------------------------------
    def _take_turn(self) -> bool:
        with self._lock:
            if self.max_statements is not None and self._issued >= self.max_statements:
                return False
            self._issued += 1
            return True

    def _client(self, i: int) -> None:
        rng = random.Random(self.seed * 1000 + i)
        conn = None
        next_at = time.monotonic()
        samples = self._samples[i]
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            available = [k for k in self.available if k in self.mix]
            if not available:
                self._stop.wait(0.05)
                continue
            if not self._take_turn():
                return
            kind = rng.choices(available, weights=[self.mix[k] for k in available])[0]
            start = time.monotonic()
            try:
                conn = conn if conn is not None and not conn.closed and not conn.broken else self._connect(str(i))
                acks = self.kinds[kind].run(self, i, conn, rng)
            except (psycopg.Error, _AppError) as exc:
                ms = (time.monotonic() - start) * 1000
                samples.append((kind, start, ms))
                self._record_error(i, kind, start, exc, conn)
            else:
                samples.append((kind, start, (time.monotonic() - start) * 1000))
                self._record_acks(acks)
            # Poisson arrivals at ``rate`` per client; a client that fell behind does not burst
            next_at = max(next_at + rng.expovariate(self.rate), time.monotonic() - 1.0)
            delay = next_at - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
        if conn is not None:
            conn.close()

    def _record_acks(self, acks) -> None:
        with self._lock:
            for what, ref in acks:
                if what == "post":
                    self._post_ids.add(ref)
                elif what == "fingerprint":
                    self._fingerprints.add(ref)
                else:
                    self._alert_state[ref[0]] = ref[1]

    def _record_error(self, client: int, kind: str, start: float, exc: BaseException, conn) -> None:
        sqlstate = getattr(exc, "sqlstate", None)
        vanished = False
        if sqlstate in UNDEFINED and conn is not None and not conn.closed and not conn.broken:
            try:
                self.available = self._detect(conn)
                vanished = kind not in self.available
            except psycopg.Error:
                pass
        text = str(exc).strip()
        wall = datetime.now(UTC) - timedelta(seconds=time.monotonic() - start)
        with self._lock:
            self._errors.append(
                StatementError(
                    kind,
                    start - self.t0,
                    wall.isoformat(timespec="milliseconds"),
                    client,
                    sqlstate,
                    text.splitlines()[0] if text else type(exc).__name__,
                    vanished,
                )
            )

    # -- results ---------------------------------------------------------------------------------
    def errors_between(self, t0: float, t1: float) -> list[StatementError]:
        """The errors of statements that ended between two monotonic instants."""
        with self._lock:
            return [e for e in self._errors if t0 <= e.at + self.t0 <= t1]

    def window(self, t0: float | None = None, t1: float | None = None) -> dict[str, KindStats]:
        """Statistics of the statements that overlapped [t0, t1] (time.monotonic() values;
        the whole run by default)."""
        t0 = self.t0 if t0 is None else t0
        t1 = time.monotonic() if t1 is None else t1
        by_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for samples in self._samples:
            for kind, start, ms in list(samples):
                if start <= t1 and start + ms / 1000 >= t0:
                    by_kind[kind].append((ms, start))
        errors = self.errors_between(t0, t1)
        out = {}
        for kind in sorted(set(by_kind) | {e.kind for e in errors}):
            values = by_kind.get(kind, [])
            ms_sorted = sorted(v for v, _ in values)
            worst = max(values, default=(0.0, None))
            out[kind] = KindStats(
                kind,
                len(values),
                sum(1 for e in errors if e.kind == kind and not e.vanished),
                sum(1 for e in errors if e.kind == kind and e.vanished),
                quantile(ms_sorted, 0.5),
                quantile(ms_sorted, 0.99),
                worst[0],
                None if worst[1] is None else worst[1] - self.t0,
            )
        return out

    def latencies(self, t0: float, t1: float, kinds: tuple[str, ...] | None = None) -> list[float]:
        """The ms of every statement (of ``kinds``, default all) that overlapped [t0, t1], sorted."""
        out = []
        for samples in self._samples:
            for kind, start, ms in list(samples):
                if (kinds is None or kind in kinds) and start <= t1 and start + ms / 1000 >= t0:
                    out.append(ms)
        return sorted(out)

    def result(self) -> TrafficResult:
        """What the clients saw so far."""
        end = time.monotonic()
        with self._lock:
            errors = list(self._errors)
            posts = len(self._post_ids) + len(self._fingerprints)
            alerts = len(self._alert_state)
        return TrafficResult(end - self.t0, self.clients, self.window(self.t0, end), errors, posts, alerts)

    def missing_writes(self, url: str | None = None) -> list[str]:
        """Every acknowledged write that is not in the database any more (one line each)."""
        missing: list[str] = []
        with psycopg.connect(url or self.url, autocommit=True, application_name=f"{self.prefix}-check") as conn:
            ids = sorted(self._post_ids)
            if ids:
                found = {r[0] for r in conn.execute("SELECT post_id FROM core.post WHERE post_id = ANY(%s)", [ids])}
                missing += [f"core.post post_id {i}" for i in ids if i not in found]
            fps = list(self._fingerprints)
            if fps:
                found = {
                    bytes(r[0])
                    for r in conn.execute("SELECT fingerprint FROM core.post WHERE fingerprint = ANY(%s)", [fps])
                }
                missing += [f"core.post fingerprint {f.hex()[:16]}... (ingest)" for f in fps if f not in found]
            if self._alert_state:
                rows: dict[int, str] = dict(
                    conn.execute(
                        "SELECT alert_id, description FROM core.alert WHERE alert_id = ANY(%s)",
                        [list(self._alert_state)],
                    ).fetchall()
                )
                missing += [
                    f"core.alert {a}: expected {d!r}, found {rows.get(a)!r}"
                    for a, d in self._alert_state.items()
                    if rows.get(a) != d
                ]
        return missing
