"""The legacy LokDarpan application's traffic (LEGACY_SCHEMA.md, "What the running application
sends"): the same clients, rate control, latency samples and error records as ``live.traffic``
(``LegacyTraffic`` is a ``Traffic`` with its own statement kinds), sending the application's
unchanged statements to the tables in ``public`` — before adoption, during ``adopt start``, and
through the compatibility objects after ``adopt cutover`` or ``adopt rollback``.

Kinds (``LEGACY_MIX`` weights: about 2 writes to 5 reads, the issue's 20 writes/s, 50 reads/s):

* ``epaper_ingest``: the e-paper task: look the e-paper up by sha256, INSERT it RETURNING
  epaper.id (a unique violation on sha256 is caught and the row read again), the author by
  name (INSERT RETURNING author.id when missing, same race handling), ``SELECT post.* ... WHERE
  post.epaper_id = $1 LIMIT 1``, then the post INSERT RETURNING post.id;
* ``post_batch``: the ORM's batched ``INSERT ... SELECT ... FROM (VALUES ...) ORDER BY
  sen_counter RETURNING post.id, post.id AS id__1`` of two posts;
* ``login``: the user by lower(username), the failed-login and the login UPDATE by id (the ORM
  requires rowcount 1), the per-request read by id;
* ``alert``: the INSERT with now() RETURNING id and both stamps, then an UPDATE by id;
* ``post_edit``: a maintenance UPDATE of a post this client wrote (rowcount 1);
* reads: ``ward_feed`` (``lower(post.city) LIKE`` ... ``ORDER BY created_at DESC LIMIT 1000``),
  ``ward_epapers`` (``GROUP BY epaper.id``), ``day_counts`` (``GROUP BY date(created_at)``),
  ``post_count``; the cheap per-request reads ``user_by_id``, ``epaper_by_id`` and
  ``recent_feed`` (``post.city = $1 ORDER BY created_at DESC LIMIT 5``).

Every acknowledged write is recorded with what the application was told; ``missing_writes()``
lists each one no longer readable under the legacy name as acknowledged.
"""

from __future__ import annotations

import psycopg

from .traffic import AppError, Kind, Traffic

# raw ward labels as the legacy data holds them (city-wide and unknown ones included: they are
# quarantined by the adoption and must still be read back)
WARDS = ("Jubilee Hills", "Ward 95", "Himayatnagar", "Kapra", "  uppal  ", "Hyderabad", None, "Test Ward")
PARTIES = ("BJP", "TRS", "Congress", "AIMIM", None)
FEED_WARDS = ("jubilee", "kapra", "nagar", "uppal")

POST_COLUMNS = (
    "post.id, post.text, post.author_id, post.city, post.emotion, post.party, post.created_at, post.epaper_id"
)


def _text(traffic, client: int, rng, what: str) -> str:
    return f"{what} {client}-{traffic.next_seq()}\n\nలైవ్ legacy traffic {rng.randrange(1 << 30)}"


def _author(conn, name: str) -> int:
    row = conn.execute("SELECT author.id, author.name, author.party FROM author WHERE author.name = %s LIMIT 1", [name])
    found = row.fetchone()
    if found:
        return found[0]
    try:
        with conn.transaction():
            return conn.execute(
                "INSERT INTO author (name, party) VALUES (%s, NULL) RETURNING author.id", [name]
            ).fetchone()[0]
    except psycopg.errors.UniqueViolation:  # another worker inserted it first: read it again
        return conn.execute("SELECT author.id FROM author WHERE author.name = %s LIMIT 1", [name]).fetchone()[0]


def _epaper_ingest(traffic, client, conn, rng):
    seq = traffic.next_seq()
    sha = f"{traffic.prefix}-{traffic.seed}-{client}-{seq}"
    row = conn.execute(
        "SELECT epaper.id, epaper.publication_name, epaper.publication_date, epaper.raw_text, epaper.created_at,"
        " epaper.sha256 FROM epaper WHERE epaper.sha256 = %s LIMIT 1",
        [sha],
    ).fetchone()
    acks = []
    if row:
        eid = row[0]
    else:
        try:
            with conn.transaction():
                eid = conn.execute(
                    "INSERT INTO epaper (publication_name, publication_date, raw_text, created_at, sha256)"
                    " VALUES (%s, %s, %s, %s, %s) RETURNING epaper.id",
                    ["Eenadu", "2024-06-01", f"e-paper {sha} ఈనాడు", "2024-06-01 06:00", sha],
                ).fetchone()[0]
            acks.append(("legacy", ("epaper", eid, sha)))
        except psycopg.errors.UniqueViolation:
            eid = conn.execute("SELECT epaper.id FROM epaper WHERE epaper.sha256 = %s LIMIT 1", [sha]).fetchone()[0]
    aid = _author(conn, f"Legacy Reporter {client}-{rng.randrange(5)}")
    conn.execute(f"SELECT {POST_COLUMNS} FROM post WHERE post.epaper_id = %s LIMIT 1", [eid]).fetchall()
    text = _text(traffic, client, rng, "e-paper post")
    pid = conn.execute(
        "INSERT INTO post (text, author_id, city, emotion, party, created_at, epaper_id)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING post.id",
        [text, aid, rng.choice(WARDS), None, rng.choice(PARTIES), "2024-06-01 00:00", eid],
    ).fetchone()[0]
    traffic.mine.setdefault(client, []).append(pid)
    return [*acks, ("legacy", ("post", pid, text))]


def _post_batch(traffic, client, conn, rng):
    aid = _author(conn, f"Legacy Reporter {client}-{rng.randrange(5)}")
    texts = [_text(traffic, client, rng, "batched"), _text(traffic, client, rng, "batched")]
    rows = conn.execute(
        "INSERT INTO post (text, author_id, city, emotion, party, created_at, epaper_id)"
        " SELECT p0::TEXT, p1::INTEGER, p2::VARCHAR, p3::VARCHAR, p4::VARCHAR, p5::TIMESTAMP WITHOUT TIME ZONE,"
        " p6::INTEGER FROM (VALUES (%s, %s, %s, %s, %s, %s, %s, 0), (%s, %s, %s, %s, %s, %s, %s, 1))"
        " AS imp_sen(p0, p1, p2, p3, p4, p5, p6, sen_counter) ORDER BY sen_counter"
        " RETURNING post.id, post.id AS id__1",
        [texts[0], aid, rng.choice(WARDS), "Positive", rng.choice(PARTIES), "2024-06-02 10:00", None]
        + [texts[1], aid, rng.choice(WARDS), None, None, "2024-06-02 11:00", None],
    ).fetchall()
    if len(rows) != 2 or rows[0][0] >= rows[1][0]:
        raise AppError(f"batched insert returned {rows} for 2 rows in sen_counter order")
    traffic.mine.setdefault(client, []).extend(r[0] for r in rows)
    return [("legacy", ("post", r[0], t)) for r, t in zip(rows, texts, strict=True)]


def _login(traffic, client, conn, rng):
    row = conn.execute(
        'SELECT "user".id, "user".username, "user".email, "user".password_hash, "user".created_at,'
        ' "user".last_login, "user".is_active, "user".failed_login_attempts, "user".last_failed_login'
        ' FROM "user" WHERE lower("user".username) = %s LIMIT 1',
        [traffic.username],
    ).fetchone()
    if row is None:
        raise AppError(f"user {traffic.username!r} not found")
    uid = row[0]
    for statement, params in (
        (
            'UPDATE "user" SET failed_login_attempts=%s, last_failed_login=%s WHERE "user".id = %s',
            [1, "2024-06-03", uid],
        ),
        (
            'UPDATE "user" SET last_login=%s, failed_login_attempts=%s, last_failed_login=%s WHERE "user".id = %s',
            ["2024-06-03 11:00", 0, None, uid],
        ),
    ):
        n = conn.execute(statement, params).rowcount
        if n != 1:
            raise AppError(f'UPDATE "user" by id updated {n} rows')
    conn.execute('SELECT "user".id, "user".username FROM "user" WHERE "user".id = %s', [uid]).fetchone()
    return []


def _alert(traffic, client, conn, rng):
    aid, created, updated = conn.execute(
        "INSERT INTO alert (ward, description, severity, opportunities, threats, actionable_alerts,"
        " source_articles, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, now(), now())"
        " RETURNING alert.id, alert.created_at, alert.updated_at",
        [rng.choice(WARDS), f"legacy alert {client}", rng.choice(("High", "low", "Info")), '["x"]', None, None, None],
    ).fetchone()
    if created is None or updated is None:
        raise AppError("alert INSERT returned no stamps")
    severity = rng.choice(("Critical", "Medium"))
    n = conn.execute("UPDATE alert SET severity=%s WHERE alert.id = %s", [severity, aid]).rowcount
    if n != 1:
        raise AppError(f"UPDATE alert by id updated {n} rows")
    return [("legacy", ("alert", aid, severity))]


def _post_edit(traffic, client, conn, rng):
    mine = traffic.mine.get(client)
    if not mine:
        return []
    pid = rng.choice(mine)
    text = _text(traffic, client, rng, "edited")
    n = conn.execute("UPDATE post SET text=%s, city=%s WHERE post.id = %s", [text, rng.choice(WARDS), pid]).rowcount
    if n != 1:
        raise AppError(f"UPDATE post by id updated {n} rows")
    return [("legacy", ("post", pid, text))]


def _read(statement: str, params):
    def run(traffic, client, conn, rng):
        conn.execute(statement, params(rng)).fetchall()
        return []

    return run


LEGACY_KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("epaper_ingest", ("rel:public.post", "rel:public.epaper", "rel:public.author"), _epaper_ingest),
        Kind("post_batch", ("rel:public.post", "rel:public.author"), _post_batch),
        Kind("login", ("rel:public.user",), _login),
        Kind("alert", ("rel:public.alert",), _alert),
        Kind("post_edit", ("rel:public.post",), _post_edit),
        Kind(
            "ward_feed",
            ("rel:public.post",),
            _read(
                f"SELECT {POST_COLUMNS} FROM post WHERE lower(post.city) LIKE %s"
                " ORDER BY post.created_at DESC LIMIT 1000",
                lambda rng: [f"%{rng.choice(FEED_WARDS)}%"],
            ),
        ),
        Kind(
            "ward_epapers",
            ("rel:public.post", "rel:public.epaper"),
            _read(
                "SELECT epaper.id, epaper.publication_name, epaper.publication_date, epaper.raw_text,"
                " epaper.created_at, epaper.sha256 FROM epaper JOIN post ON post.epaper_id = epaper.id"
                " WHERE post.city = %s GROUP BY epaper.id"
                " ORDER BY epaper.publication_date DESC, epaper.created_at DESC LIMIT %s",
                lambda rng: [rng.choice(("Jubilee Hills", "Kapra")), 10],
            ),
        ),
        Kind(
            "day_counts",
            ("rel:public.post",),
            _read(
                "SELECT date(post.created_at), count(post.id) FROM post WHERE post.created_at >= %s"
                " GROUP BY date(post.created_at)",
                lambda rng: ["2024-06-01"],
            ),
        ),
        Kind("post_count", ("rel:public.post",), _read("SELECT count(post.id) FROM post", lambda rng: [])),
        Kind(
            "user_by_id",
            ("rel:public.user",),
            _read(
                'SELECT "user".id, "user".username, "user".is_active FROM "user" WHERE "user".id = %s', lambda rng: [1]
            ),
        ),
        Kind(
            "epaper_by_id",
            ("rel:public.epaper",),
            _read(
                "SELECT epaper.id, epaper.publication_name, epaper.sha256 FROM epaper WHERE epaper.id = %s",
                lambda rng: [rng.randint(1, 50)],
            ),
        ),
        Kind(
            "recent_feed",
            ("rel:public.post",),
            _read(
                f"SELECT {POST_COLUMNS} FROM post WHERE post.city = %s ORDER BY post.created_at DESC LIMIT 5",
                lambda rng: [rng.choice(("Jubilee Hills", "Kapra", "Uppal"))],
            ),
        ),
    )
}
# 2 writes : 5 reads (20 writes/s and 50 reads/s at rate 70)
LEGACY_MIX = {
    "epaper_ingest": 0.5,
    "post_batch": 0.5,
    "login": 0.4,
    "alert": 0.3,
    "post_edit": 0.3,
    "ward_feed": 2.5,
    "ward_epapers": 1.0,
    "day_counts": 0.5,
    "post_count": 1.0,
}
WRITE_KINDS = ("epaper_ingest", "post_batch", "login", "alert", "post_edit")


class LegacyTraffic(Traffic):
    """``Traffic`` sending the legacy application's statements (module doc) to ``schema``'s
    tables; ``username`` is the user whose logins it sends (it must exist)."""

    def __init__(self, url: str, *, username: str = "analyst", mix: dict[str, float] | None = None, **kw):
        super().__init__(url, mix=mix or LEGACY_MIX, kinds=LEGACY_KINDS, **kw)
        self.username = username
        self.mine: dict[int, list[int]] = {}
        self._acked: dict[tuple[str, int], str] = {}

    def setup(self, conn) -> None:
        """Detect which legacy objects exist (no core ward registry or alerts are needed)."""
        self.available = self._detect(conn)

    def _record_acks(self, acks) -> None:
        with self._lock:
            for _what, (table, ident, expected) in acks:
                self._acked[(table, ident)] = expected
                if table == "post":
                    self._post_ids.add(ident)
                elif table == "alert":
                    self._alert_state[ident] = expected

    @property
    def acknowledged(self) -> dict[tuple[str, int], str]:
        """(table, id) -> what the application was last told (post text, alert severity, e-paper sha256)."""
        with self._lock:
            return dict(self._acked)

    def missing_writes(self, url: str | None = None) -> list[str]:
        """Every acknowledged write not readable under the legacy name as acknowledged."""
        column = {"post": "text", "alert": "severity", "epaper": "sha256"}
        missing: list[str] = []
        acked = self.acknowledged
        with psycopg.connect(url or self.url, autocommit=True, application_name=f"{self.prefix}-check") as conn:
            for table, col in column.items():
                ids = sorted(i for t, i in acked if t == table)
                if not ids:
                    continue
                found: dict[int, str] = dict(
                    conn.execute(
                        psycopg.sql.SQL("SELECT id, {} FROM {} WHERE id = ANY(%s)").format(
                            psycopg.sql.Identifier(col), psycopg.sql.Identifier(table)
                        ),
                        [ids],
                    ).fetchall()
                )
                missing += [
                    f"{table} id {i}: acknowledged {acked[(table, i)]!r}, found {found.get(i)!r}"
                    for i in ids
                    if found.get(i) != acked[(table, i)]
                ]
        return missing
