"""adopt cutover, rollback and finish: the unchanged application's statements (LEGACY_SCHEMA.md)
work through the compatibility objects with the legacy results; rollback returns every row
written since cutover under the same ids; finish refuses to drop an unaccounted legacy row."""

from __future__ import annotations

import psycopg
import pytest

from lokdarpan_db.adopt import run
from lokdarpan_db.cli import main

from ..conftest import ROOT

TABLES = ("user", "author", "epaper", "post", "alert")

# the application's reads, as its ORM sends them (every mapped column listed)
POST_COLS = "post.id, post.text, post.author_id, post.city, post.emotion, post.party, post.created_at, post.epaper_id"
READS = [
    (f"SELECT {POST_COLS} FROM post WHERE lower(post.city) LIKE %s ORDER BY post.created_at DESC, post.id LIMIT 1000",
     ["%jubilee%"]),
    (f"SELECT {POST_COLS}, author.name FROM post LEFT OUTER JOIN author ON author.id = post.author_id"
     " WHERE lower(post.city) LIKE %s AND post.created_at >= %s ORDER BY post.created_at DESC, post.id LIMIT 800",
     ["%hill%", "2024-05-02"]),
    (f"SELECT {POST_COLS} FROM post WHERE lower(trim(post.city)) = %s ORDER BY post.id", ["jubilee   hills"]),
    (f"SELECT {POST_COLS} FROM post WHERE post.city = %s ORDER BY post.id", ["Ward 95"]),
    (f"SELECT {POST_COLS} FROM post WHERE post.city ILIKE %s ORDER BY post.id LIMIT 5", ["%nagar%"]),
    ("SELECT post.city, count(post.id), count(DISTINCT post.author_id) FROM post GROUP BY post.city ORDER BY 1", []),
    ("SELECT author.party, count(post.id) FROM author JOIN post ON post.author_id = author.id WHERE post.city = %s"
     " GROUP BY author.party ORDER BY 1", ["Jubilee Hills"]),
    ("SELECT date(post.created_at), count(post.id) FROM post GROUP BY date(post.created_at) ORDER BY 1", []),
    ("SELECT post.emotion, author.name, count(*) FROM post JOIN author ON author.id = post.author_id"
     " GROUP BY post.emotion, author.name ORDER BY 1, 2", []),
    ("SELECT epaper.id, epaper.publication_name, epaper.publication_date, epaper.raw_text, epaper.created_at,"
     " epaper.sha256 FROM epaper JOIN post ON post.epaper_id = epaper.id WHERE post.city = %s GROUP BY epaper.id"
     " ORDER BY epaper.publication_date DESC, epaper.created_at DESC LIMIT %s", ["Jubilee Hills", 10]),
    ("SELECT alert.id, alert.ward, alert.description, alert.severity, alert.opportunities, alert.threats,"
     " alert.actionable_alerts, alert.source_articles, alert.created_at, alert.updated_at, alert.status,"
     " alert.assigned_user_id FROM alert WHERE lower(alert.ward) = %s ORDER BY alert.created_at DESC LIMIT 1",
     ["ward 95"]),
    ("SELECT alert.id, alert.ward FROM alert WHERE alert.ward ILIKE %s AND alert.severity IN ('High', 'Critical')"
     " ORDER BY alert.id", ["%a%"]),
    ('SELECT "user".id, "user".username, "user".email, "user".password_hash, "user".created_at, "user".last_login,'
     ' "user".is_active, "user".failed_login_attempts, "user".last_failed_login FROM "user"'
     ' WHERE lower("user".username) = %s LIMIT 1', ["analyst"]),
    ('SELECT "user".id, "user".username, "user".email FROM "user" ORDER BY "user".id', []),
    ("SELECT count(post.id) FROM post", []),
    ("SELECT count(post.id) FROM post WHERE post.created_at >= %s", ["2024-05-04"]),
    ("SELECT epaper.id, epaper.sha256, epaper.created_at FROM epaper WHERE epaper.id = %s", [1002]),
    ("SELECT author.id, author.name, author.party FROM author ORDER BY author.id", []),
    ("SELECT * FROM ward_statistics ORDER BY city NULLS FIRST", []),
    ("SELECT * FROM daily_ward_trends ORDER BY city NULLS FIRST, day", []),
    ("SELECT * FROM ward_performance_metrics ORDER BY ward NULLS FIRST", []),
]


def read_all(url: str) -> list[list[tuple]]:
    with psycopg.connect(url) as conn:
        return [conn.execute(q, p).fetchall() for q, p in READS]


def legacy_rows(url: str, schema: str = "public") -> dict[str, dict[int, tuple]]:
    """Every row of the legacy-named objects (search_vector left out: core computes its own)."""
    out = {}
    with psycopg.connect(url) as conn:
        for t in TABLES:
            cols = [r[0] for r in conn.execute(
                "select attname from pg_attribute where attrelid = %s::regclass and attnum > 0 and not attisdropped"
                " and attname <> 'search_vector' order by attnum", [f'{schema}."{t}"'])]
            rows = conn.execute(psycopg.sql.SQL("select {} from {}").format(
                psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, cols)),
                psycopg.sql.Identifier(schema, t))).fetchall()
            out[t] = {r[0]: tuple(r) for r in rows}
    return out


@pytest.fixture
def cut_over(legacy_url):
    assert main(["adopt", "start", "--db", legacy_url, "-q"]) == 0
    return legacy_url


def app_writes(conn) -> dict[str, int]:
    """The application's writes (LEGACY_SCHEMA.md), returning the ids it was given."""
    ids = {}
    ids["epaper"] = conn.execute(
        "INSERT INTO epaper (publication_name, publication_date, raw_text, created_at, sha256)"
        " VALUES (%s, %s, %s, %s, %s) RETURNING epaper.id",
        ["Sakshi", "2024-06-01", "సాక్షి వార్తలు కాప్రా", "2024-06-01 06:00", "sha-new-1"]).fetchone()[0]
    ids["author"] = conn.execute("INSERT INTO author (name, party) VALUES (%s, NULL) RETURNING author.id",
                                 ["New Reporter"]).fetchone()[0]
    ids["post"] = conn.execute(
        "INSERT INTO post (text, author_id, city, emotion, party, created_at, epaper_id)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING post.id",
        ["Kapra news\n\nbody", ids["author"], "Kapra", None, "TRS", "2024-06-01 00:00", ids["epaper"]]).fetchone()[0]
    rows = conn.execute("""
        INSERT INTO post (text, author_id, city, emotion, party, created_at, epaper_id)
        SELECT p0::TEXT, p1::INTEGER, p2::VARCHAR, p3::VARCHAR, p4::VARCHAR, p5::TIMESTAMP WITHOUT TIME ZONE, p6::INTEGER
          FROM (VALUES (%s, %s, %s, %s, %s, %s, %s, 0), (%s, %s, %s, %s, %s, %s, %s, 1))
            AS imp_sen(p0, p1, p2, p3, p4, p5, p6, sen_counter)
         ORDER BY sen_counter RETURNING post.id, post.id AS id__1""",
        ["batched a", ids["author"], "Ward 95", "Positive", "INC", "2024-06-02 10:00", None,
         "batched b (city-wide)", ids["author"], "Hyderabad", None, None, "2024-06-02 11:00", None]).fetchall()
    assert [r[0] for r in rows] == sorted(r[0] for r in rows) and all(a == b for a, b in rows)
    ids["batched_a"], ids["batched_b"] = rows[0][0], rows[1][0]
    aid, created, updated = conn.execute("""
        INSERT INTO alert (ward, description, severity, opportunities, threats, actionable_alerts, source_articles,
                           created_at, updated_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s, now(), now()) RETURNING alert.id, alert.created_at, alert.updated_at""",
        ["Kapra", "new alert", "High", '["x"]', None, None, None]).fetchone()
    assert created is not None and updated is not None
    ids["alert"] = aid
    assert conn.execute("UPDATE alert SET severity = %s WHERE alert.id = %s", ["Critical", aid]).rowcount == 1
    uid = conn.execute('SELECT "user".id FROM "user" WHERE lower("user".username) = %s LIMIT 1',
                       ["analyst"]).fetchone()[0]
    assert conn.execute('UPDATE "user" SET failed_login_attempts=%s, last_failed_login=%s WHERE "user".id = %s',
                        [3, "2024-06-03 10:00", uid]).rowcount == 1
    assert conn.execute('UPDATE "user" SET last_login=%s, failed_login_attempts=%s, last_failed_login=%s'
                        ' WHERE "user".id = %s', ["2024-06-03 11:00", 0, None, uid]).rowcount == 1
    # a quarantined user (duplicate username by case) still logs in
    assert conn.execute('UPDATE "user" SET last_login=%s WHERE "user".id = %s', ["2024-06-03 12:00", 3]).rowcount == 1
    # maintenance scripts
    assert conn.execute("UPDATE post SET party = %s WHERE post.id = %s", ["BJP", 1]).rowcount == 1
    assert conn.execute("UPDATE post SET city = %s WHERE post.id = %s", ["Jubilee Hills", 8]).rowcount == 1
    assert conn.execute("DELETE FROM post WHERE id IN (%s, %s)", [6, 13]).rowcount == 2
    return ids


def test_cutover_keeps_every_legacy_statement_working(cut_over, capsys):
    url = cut_over
    before_reads = read_all(url)
    before_rows = legacy_rows(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("refresh materialized view ward_statistics")
    capsys.readouterr()
    assert main(["adopt", "cutover", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "legacy tables moved to lokdarpan_legacy" in out and "locking transaction took" in out
    with psycopg.connect(url) as conn:
        kinds = dict(conn.execute("select c.relname, c.relkind from pg_class c join pg_namespace n"
                                  " on n.oid = c.relnamespace where n.nspname = 'public' and c.relname = any(%s)",
                                  [list(TABLES)]).fetchall())
        assert kinds == {"user": "v", "author": "v", "post": "v", "alert": "v", "epaper": "r"}
        assert conn.execute("select count(*) from lokdarpan_legacy.post").fetchone()[0] == 13
    # the same rows under the legacy names, the same answers to the application's reads
    assert legacy_rows(url) == before_rows
    assert read_all(url) == before_reads
    assert main(["adopt", "verify", "--db", url]) == 0

    with psycopg.connect(url, autocommit=True) as conn:
        ids = app_writes(conn)
        # ids handed out past every legacy id (the epaper sequence lagged behind 1000..1002)
        assert ids["epaper"] > 1002 and ids["post"] > 13 and ids["author"] > 4
        # the unique keys the race handling relies on
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("INSERT INTO epaper (publication_name, publication_date, raw_text, created_at, sha256)"
                         " VALUES ('X', '2024-06-01', 'other text', NULL, 'sha-new-1') RETURNING epaper.id")
        with pytest.raises(psycopg.errors.UniqueViolation) as exc:
            conn.execute("INSERT INTO author (name, party) VALUES ('New Reporter', NULL) RETURNING author.id")
        assert exc.value.diag.constraint_name == "author_name_key"
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("INSERT INTO \"user\" (username, email, password_hash, created_at, is_active,"
                         " failed_login_attempts) VALUES ('admin', 'x@y.in', 'scrypt:32768:8:1$aaaaaaaa$0123456789ab',"
                         " '2024-06-01', true, 0) RETURNING \"user\".id")
        assert conn.execute("INSERT INTO epaper (publication_name, publication_date, raw_text, created_at, sha256)"
                            " VALUES ('X', '2024-06-01', 'other', NULL, 'sha-new-1') ON CONFLICT (sha256) DO NOTHING"
                            " RETURNING epaper.id").fetchone() is None
        # what the application reads back is what it wrote, city-wide rows included (quarantined)
        got = conn.execute(f"SELECT {POST_COLS} FROM post WHERE post.id = ANY(%s) ORDER BY post.id",
                           [[ids["post"], ids["batched_a"], ids["batched_b"]]]).fetchall()
        assert [(r[1], r[3], r[5]) for r in got] == [("Kapra news\n\nbody", "Kapra", "TRS"),
                                                      ("batched a", "Ward 95", "INC"),
                                                      ("batched b (city-wide)", "Hyderabad", None)]
        assert str(got[0][6]) == "2024-06-01 00:00:00"
        assert conn.execute("select reason from adopt.quarantine where legacy_table = 'post' and legacy_id = %s",
                            [ids["batched_b"]]).fetchone()[0] == "no_ward"
        assert conn.execute("select city, party from core.post where post_id = %s",
                            [ids["batched_a"]]).fetchone() == ("Jubilee Hills", "INC")
        assert conn.execute("select city from core.post where post_id = 8").fetchone()[0] == "Jubilee Hills"
        assert conn.execute("select count(*) from core.post where post_id in (6, 13)").fetchone()[0] == 0
        assert conn.execute("select count(*) from core.epaper where epaper_id = %s", [ids["epaper"]]).fetchone()[0] == 1
        assert conn.execute("select failed_login_count, last_login_at from core.app_user where user_id = 2"
                            ).fetchone() == (0, conn.execute("select '2024-06-03 11:00+00'::timestamptz").fetchone()[0])
        assert conn.execute("select row ->> 'last_login' from adopt.quarantine"
                            " where legacy_table = 'user' and legacy_id = 3").fetchone()[0] == "2024-06-03T12:00:00"
        # the dependent objects: the FK into "user" now checks core.app_user; views and matviews follow
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            conn.execute("insert into geopolitical_report (user_id, report_uuid) values (999, 'u-999')")
        conn.execute("insert into geopolitical_report (user_id, report_uuid) values (2, 'u-2')")
        conn.execute("refresh materialized view ward_statistics")
        assert conn.execute("select posts from ward_statistics where city = 'Kapra'").fetchone()[0] == 1
        assert conn.execute("select alerts from ward_performance_metrics where ward = 'Kapra'").fetchone()[0] == 1
        assert conn.execute("select count(*) from lokdarpan_legacy.ward_statistics").fetchone()[0] > 0
    assert main(["adopt", "verify", "--db", url]) == 0
    after_rows = legacy_rows(url)

    # rollback: the legacy tables again, holding every row written since cutover with its id
    capsys.readouterr()
    assert main(["adopt", "rollback", "--db", url]) == 0
    assert "carried back" in capsys.readouterr().out
    with psycopg.connect(url) as conn:
        assert conn.execute("select relkind from pg_class where oid = 'public.post'::regclass").fetchone()[0] == "r"
        assert conn.execute("select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                            " where n.nspname = 'lokdarpan_legacy' and c.relkind in ('r', 'v')").fetchone()[0] == 0
        assert conn.execute("select convalidated from pg_constraint where conname = 'geopolitical_report_user_id_fkey'"
                            ).fetchone()[0]
        assert conn.execute("select posts from ward_statistics where city = 'Kapra'").fetchone()[0] == 1
    assert legacy_rows(url) == after_rows
    with psycopg.connect(url, autocommit=True) as conn:
        # the legacy sequences are past every id handed out since cutover
        nxt = conn.execute("INSERT INTO post (text, author_id, city, emotion, party, created_at, epaper_id)"
                           " VALUES ('after rollback', 1, 'Kapra', NULL, NULL, '2024-06-05', NULL) RETURNING post.id"
                           ).fetchone()[0]
        assert nxt > ids["batched_b"]
        assert conn.execute("select count(*) from core.post where post_id = %s", [nxt]).fetchone()[0] == 1
        eid = conn.execute("INSERT INTO epaper (publication_name, publication_date, raw_text, created_at, sha256)"
                           " VALUES ('Y', '2024-06-05', 'after rollback', NULL, 'sha-after') RETURNING epaper.id"
                           ).fetchone()[0]
        assert eid > ids["epaper"]
    assert main(["adopt", "verify", "--db", url]) == 0

    # a second cutover, then finish: capture ends, the legacy schema is dropped only when accounted for
    assert main(["adopt", "cutover", "--db", url, "-q"]) == 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("alter table lokdarpan_legacy.author disable trigger user")
        conn.execute("insert into lokdarpan_legacy.author (name) values ('Written behind our back')")
        conn.execute("alter table lokdarpan_legacy.author enable trigger user")
    capsys.readouterr()
    assert main(["adopt", "finish", "--db", url, "--drop-legacy"]) == 1
    assert "unaccounted for: author: 1" in capsys.readouterr().err
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("delete from lokdarpan_legacy.author where name = 'Written behind our back'")
    assert main(["adopt", "finish", "--db", url, "--drop-legacy"]) == 0
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("select to_regnamespace('lokdarpan_legacy')").fetchone()[0] is None
        # the application keeps working after finish
        app_writes_after = conn.execute("INSERT INTO post (text, author_id, city, emotion, party, created_at,"
                                        " epaper_id) VALUES ('after finish', 1, 'Kapra', NULL, NULL, '2024-06-06',"
                                        " NULL) RETURNING post.id").fetchone()[0]
        assert conn.execute("select text from post where id = %s", [app_writes_after]).fetchone()[0] == "after finish"
        assert read_all(url)
    assert main(["adopt", "rollback", "--db", url]) == 1


def test_cutover_refuses_before_the_backfill(legacy_url, capsys):
    assert main(["adopt", "cutover", "--db", legacy_url]) == 1
    assert "run adopt start first" in capsys.readouterr().err
    run.start(legacy_url, "public", "UTC", project_dir=ROOT)
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        conn.execute("update adopt.table_state set phase = 'backfilling' where legacy_table = 'alert'")
    with pytest.raises(run.UserError, match="backfill of alert is not done"):
        run.cutover(legacy_url)


def test_cutover_and_rollback_on_a_server_whose_timezone_is_not_utc(legacy_url):
    """The variant whose application wrote naive timestamps under a non-UTC server TimeZone
    (adopted with --legacy-timezone that zone): the views give back the same naive values and
    date(created_at) groups; the application's now() lands as it did on the legacy table."""
    url = legacy_url
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"alter database \"{conn.info.dbname}\" set timezone = 'Asia/Kolkata'")
    run.start(url, "public", "Asia/Kolkata", project_dir=ROOT)
    with psycopg.connect(url) as conn:
        assert conn.execute("show timezone").fetchone()[0] == "Asia/Kolkata"
        assert conn.execute("select created_at = '2024-04-30 18:30+00' from core.post where post_id = 1").fetchone()[0]
    before_reads, before_rows = read_all(url), legacy_rows(url)
    run.cutover(url)
    assert read_all(url) == before_reads
    assert legacy_rows(url) == before_rows
    with psycopg.connect(url, autocommit=True) as conn:
        ids = app_writes(conn)
        naive_now = conn.execute("select localtimestamp").fetchone()[0]
        created = conn.execute("select created_at from alert where id = %s", [ids["alert"]]).fetchone()[0]
        assert abs((naive_now - created).total_seconds()) < 120  # local (Kolkata) wall time, as before
        assert conn.execute("select created_at from core.alert where alert_id = %s", [ids["alert"]]).fetchone()[0] \
            == conn.execute("select %s::timestamp at time zone 'Asia/Kolkata'", [created]).fetchone()[0]
    res = run.verify(url)
    assert res.ok, (res.differences, res.month_differences)
    after_rows = legacy_rows(url)
    run.rollback(url)
    assert legacy_rows(url) == after_rows
    assert run.verify(url).ok
