"""A small in-test writer: a thread sending the legacy application's statements (as
LEGACY_SCHEMA.md lists them) and recording every acknowledged write and every error."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

import psycopg

WARDS = ["Jubilee Hills", "Ward 95", "Himayatnagar", "Kapra", "Hyderabad", None, "Test Ward", "  uppal  "]


@dataclass
class Writer:
    url: str
    seed: int = 7
    pause: float = 0.05
    errors: list[str] = field(default_factory=list)
    posts: dict[int, str] = field(default_factory=dict)  # id -> text as last acknowledged
    deleted: set[int] = field(default_factory=set)
    epapers: list[int] = field(default_factory=list)
    authors: list[int] = field(default_factory=list)
    alerts: list[int] = field(default_factory=list)
    logins: int = 0
    writes: int = 0
    max_wait_s: float = 0.0

    def __post_init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def wait_for(self, writes: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.writes < writes and time.monotonic() < deadline and not self.errors:
            time.sleep(0.02)

    def _timed(self, conn, statement, params=None):
        t0 = time.monotonic()
        cur = conn.execute(statement, params)
        self.max_wait_s = max(self.max_wait_s, time.monotonic() - t0)
        return cur

    def _run(self) -> None:
        rnd = random.Random(self.seed)
        n = 0
        try:
            conn = psycopg.connect(self.url, autocommit=True)
        except psycopg.Error as exc:  # pragma: no cover
            self.errors.append(str(exc))
            return
        with conn:
            while not self._stop.is_set():
                n += 1
                try:
                    self._one(conn, rnd, n)
                    self.writes += 1
                except Exception as exc:  # noqa: BLE001 (every failure of the application is a finding)
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                    return
                time.sleep(self.pause)

    def _epaper(self, conn, n: int) -> int:
        sha = f"writer-{self.seed}-{n}"
        row = self._timed(conn, "SELECT epaper.* FROM epaper WHERE epaper.sha256 = %s LIMIT 1", [sha]).fetchone()
        if row:
            return row[0]
        try:
            eid = self._timed(conn, "INSERT INTO epaper (publication_name, publication_date, raw_text, created_at, sha256)"
                              " VALUES (%s, %s, %s, %s, %s) RETURNING epaper.id",
                              ["Eenadu", "2024-06-01", f"e-paper text {self.seed} {n} తెలుగు", "2024-06-01 06:00",
                               sha]).fetchone()[0]
        except psycopg.errors.UniqueViolation:
            eid = self._timed(conn, "SELECT epaper.* FROM epaper WHERE epaper.sha256 = %s LIMIT 1", [sha]).fetchone()[0]
        self.epapers.append(eid)
        return eid

    def _author(self, conn, name: str) -> int:
        row = self._timed(conn, "SELECT author.* FROM author WHERE author.name = %s LIMIT 1", [name]).fetchone()
        if row:
            return row[0]
        aid = self._timed(conn, "INSERT INTO author (name, party) VALUES (%s, NULL) RETURNING author.id",
                          [name]).fetchone()[0]
        self.authors.append(aid)
        return aid

    def _one(self, conn, rnd: random.Random, n: int) -> None:
        kind = n % 6
        if kind == 0:  # e-paper ingestion: e-paper, author, one post
            eid = self._epaper(conn, n)
            aid = self._author(conn, f"Writer Author {n % 5}")
            self._timed(conn, "SELECT post.* FROM post WHERE post.epaper_id = %s LIMIT 1", [eid])
            text = f"Title {n}\n\nBody {n}"
            pid = self._timed(conn, "INSERT INTO post (text, author_id, city, emotion, party, created_at, epaper_id)"
                              " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING post.id",
                              [text, aid, rnd.choice(WARDS), None, rnd.choice(["BJP", "TRS", None]),
                               "2024-06-01 00:00", eid]).fetchone()[0]
            self.posts[pid] = text
        elif kind == 1:  # the batched ORM insert
            aid = self._author(conn, f"Writer Author {n % 5}")
            texts = [f"batched {n} a", f"batched {n} b"]
            rows = self._timed(conn, """
                INSERT INTO post (text, author_id, city, emotion, party, created_at, epaper_id)
                SELECT p0::TEXT, p1::INTEGER, p2::VARCHAR, p3::VARCHAR, p4::VARCHAR, p5::TIMESTAMP WITHOUT TIME ZONE, p6::INTEGER
                  FROM (VALUES (%s, %s, %s, %s, %s, %s, %s, 0), (%s, %s, %s, %s, %s, %s, %s, 1))
                    AS imp_sen(p0, p1, p2, p3, p4, p5, p6, sen_counter)
                 ORDER BY sen_counter RETURNING post.id, post.id AS id__1""",
                               [texts[0], aid, rnd.choice(WARDS), "Positive", "INC", "2024-06-02 10:00", None,
                                texts[1], aid, rnd.choice(WARDS), None, None, "2024-06-02 11:00", None]).fetchall()
            for (pid, _), text in zip(rows, texts, strict=True):
                self.posts[pid] = text
        elif kind == 2:  # login: failed, then successful
            row = self._timed(conn, 'SELECT "user".* FROM "user" WHERE lower("user".username) = %s LIMIT 1',
                              ["analyst"]).fetchone()
            uid = row[0]
            cur = self._timed(conn, 'UPDATE "user" SET failed_login_attempts=%s, last_failed_login=%s WHERE "user".id = %s',
                              [1, f"2024-06-03 10:{n % 60:02d}", uid])
            assert cur.rowcount == 1
            cur = self._timed(conn, 'UPDATE "user" SET last_login=%s, failed_login_attempts=%s, last_failed_login=%s'
                              ' WHERE "user".id = %s', [f"2024-06-03 11:{n % 60:02d}", 0, None, uid])
            assert cur.rowcount == 1
            self._timed(conn, 'SELECT "user".* FROM "user" WHERE "user".id = %s', [uid])
            self.logins += 1
        elif kind == 3:  # alert insert and an update by id
            aid, _, _ = self._timed(conn, """
                INSERT INTO alert (ward, description, severity, opportunities, threats, actionable_alerts,
                                   source_articles, created_at, updated_at)
                VALUES (%s, %s, %s, %s, %s, %s, %s, now(), now()) RETURNING alert.id, alert.created_at, alert.updated_at""",
                                    [rnd.choice(WARDS), f"alert {n}", rnd.choice(["High", "low", "Info"]),
                                     '["x"]', None, None, None]).fetchone()
            cur = self._timed(conn, "UPDATE alert SET severity = %s WHERE alert.id = %s", ["Critical", aid])
            assert cur.rowcount == 1
            self.alerts.append(aid)
        elif kind == 4 and self.posts:  # maintenance: update a post by id
            pid = rnd.choice(sorted(self.posts))
            text = f"edited {n}"
            cur = self._timed(conn, "UPDATE post SET text = %s, city = %s WHERE post.id = %s",
                              [text, rnd.choice(WARDS), pid])
            assert cur.rowcount == 1
            self.posts[pid] = text
        elif kind == 5 and len(self.posts) > 4:  # maintenance: delete one
            pid = rnd.choice(sorted(self.posts))
            self._timed(conn, "DELETE FROM post WHERE id IN (%s)", [pid])
            del self.posts[pid]
            self.deleted.add(pid)
        # reads the application sends
        self._timed(conn, "SELECT post.id, post.text FROM post WHERE lower(post.city) LIKE %s"
                    " ORDER BY post.created_at DESC LIMIT 1000", ["%jubilee%"]).fetchall()
