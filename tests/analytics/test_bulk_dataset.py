"""The bulk dataset generator (lokdarpan_db.synthetic.bulk): its derived tables equal what the
insert path's triggers build from the same posts, a run interrupted inside a unit or between
units continues where it stopped and ends with the same posts as an uninterrupted one, and it
refuses a full disk or a database it did not fill before touching anything."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta, timezone

import psycopg
import pytest

from lokdarpan_db.errors import NoSpaceError, UserError, ValidationFailed
from lokdarpan_db.postgres.clone import clone_database
from lokdarpan_db.synthetic import bulk

POSTS = 3000
# the derived tables and the columns the insert path defines (ward_author.moved_from is the
# trigger's scratch value; zero rows of ward_author_day are an artefact the drift checks ignore)
DERIVED = {
    "analytics.ward_hour": "select * from analytics.ward_hour",
    "analytics.ward_hour_party": "select * from analytics.ward_hour_party",
    "analytics.ward_day": "select * from analytics.ward_day",
    "analytics.ward_day_party": "select * from analytics.ward_day_party",
    "analytics.ward_author": "select ward_name, author_id, last_post_at from analytics.ward_author",
    "analytics.ward_author_day": "select * from analytics.ward_author_day where authors <> 0",
}
POST_COLS = "post_id, created_at, city, author_id, text, emotion, party, fingerprint"


def derived(url: str) -> dict[str, list[tuple]]:
    """Every derived table's rows, sorted."""
    with psycopg.connect(url) as conn:
        return {t: sorted(conn.execute(q).fetchall()) for t, q in DERIVED.items()}


def posts_digest(url: str) -> tuple:
    """Count and an order-independent digest of every post's columns (search vector included)."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            f"select count(*), md5(string_agg(md5(row({POST_COLS}, search_vector)::text), '' order by post_id))"
            " from core.post"
        ).fetchone()


@pytest.fixture
def second_url(url, admin_url):
    """A second fresh deployed database, cloned from the per-test one before anything is written."""
    name = f"ld_bulk_{uuid.uuid4().hex[:8]}"
    src = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
            [src],
        )
    other = clone_database(admin_url, src, name)
    try:
        yield other
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def test_bulk_derived_tables_equal_the_insert_paths_for_the_same_posts(url):
    now = datetime.now(UTC)
    report = bulk.generate_bulk(url, POSTS, now, log=lambda m: None, jobs=2)
    assert report.units_loaded == report.units_total == len(bulk.months(now))
    assert set(report.checks.values()) == {0} and "analytics.ward_author_day_drift" in report.checks
    built = derived(url)
    assert all(built[t] for t in DERIVED), "every derived table has rows"
    assert sum(r[2] for r in built["analytics.ward_hour"]) == POSTS
    with psycopg.connect(url, autocommit=True) as conn:
        # every post of the year before now, in its month's partition, none in the default one
        lo, hi, n, default = conn.execute(
            "select min(created_at), max(created_at), count(*), (select count(*) from core.post_default) from core.post"
        ).fetchone()
        assert n == POSTS and default == 0 and now - timedelta(days=365) <= lo and hi < now
        assert conn.execute("select count(*) from core.post_fingerprint").fetchone()[0] == POSTS
        # autovacuum, off while a unit loads, is back on every partition (no option left behind)
        assert not conn.execute(
            "select array_agg(c.relname) from pg_inherits i join pg_class c on c.oid = i.inhrelid"
            " where i.inhparent = 'core.post'::regclass and c.reloptions is not null"
        ).fetchone()[0]
        # the data varies as generate()'s does: instants, wards, authors, texts; a daily cycle
        times, wards, authors, texts, evening, night = conn.execute(
            "select count(distinct created_at), count(distinct city), count(distinct author_id), count(distinct text),"
            " count(*) filter (where extract(hour from created_at at time zone 'Asia/Kolkata') between 18 and 21),"
            " count(*) filter (where extract(hour from created_at at time zone 'Asia/Kolkata') between 3 and 6)"
            " from core.post"
        ).fetchone()
        assert times > POSTS * 0.99 and texts == POSTS and wards > 100 and authors > 1000
        assert evening > 1.5 * night
        posts = conn.execute(f"select {POST_COLS} from core.post").fetchall()
        # the same posts again through the insert path: the triggers rebuild every derived table
        conn.execute("truncate core.post")
        assert conn.execute("select count(*) from analytics.ward_hour").fetchone()[0] == 0
        random.Random(21).shuffle(posts)
        conn.execute(f"create temp table again as select {POST_COLS} from core.post limit 0")
        with conn.cursor().copy(f"copy again ({POST_COLS}) from stdin") as cp:
            for row in posts:
                cp.write_row(row)
        conn.execute("alter table again add column k serial")
        for part in range(4):  # four statements: later ones move authors between days
            conn.execute(f"insert into core.post ({POST_COLS}) select {POST_COLS} from again where k %% 4 = %s", [part])
    assert derived(url) == built


def test_bulk_checks_side_by_side_name_every_drifting_table(url):
    now = datetime.now(UTC)
    bulk.generate_bulk(url, POSTS, now, log=lambda m: None, check=False)
    assert set(bulk.run_checks(url, None, lambda m: None, jobs=2).values()) == {0}
    with psycopg.connect(url, autocommit=True) as conn:
        # one day's count off by one, one author's newest post moved: two checks must say so
        conn.execute(
            "update analytics.ward_day set posts = posts + 1, unknown = unknown + 1"
            " where (ward_name, day) = (select ward_name, day from analytics.ward_day order by 1, 2 limit 1)"
        )
        conn.execute(
            "update analytics.ward_author set last_post_at = last_post_at - interval '1 hour'"
            " where (ward_name, author_id) = (select ward_name, author_id from analytics.ward_author order by 1, 2 limit 1)"
        )
    lines: list[str] = []
    with pytest.raises(ValidationFailed) as err:
        bulk.run_checks(url, None, lines.append, jobs=2)
    assert "analytics.day_rollup_drift finds" in str(err.value) and "analytics.ward_author_drift finds" in str(
        err.value
    )
    assert "analytics.rollup_drift finds" not in str(err.value)  # the hours were not touched
    assert len([m for m in lines if "rows differ" in m]) == len(bulk.CHECKS)  # every check ran and reported


def test_interrupted_bulk_run_continues_to_the_same_dataset(url, second_url):
    now = datetime.now(UTC)
    quiet = lambda m: None  # noqa: E731
    bulk.generate_bulk(second_url, POSTS, now, log=quiet)  # uninterrupted, for comparison

    # killed inside a unit (after its posts were written, before its indexes and swap)
    with pytest.raises(RuntimeError, match="injected failure in unit 0"):
        bulk.generate_bulk(url, POSTS, now, log=quiet, _fail_unit=0)
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from core.post").fetchone()[0] == 0
        assert conn.execute("select count(*) from lokdarpan_bulk.unit where loaded_at is not null").fetchone()[0] == 0
    # stopped between units, then a different posts count is refused
    part = bulk.generate_bulk(url, POSTS, now + timedelta(hours=5), log=quiet, _stop_after=4)
    assert part.units_loaded == 4
    with pytest.raises(UserError, match="earlier bulk run of 3,000 posts"):
        bulk.generate_bulk(url, POSTS + 1, now, log=quiet)
    # the rest: the plan's now and seed are kept (a later "now" changes nothing)
    lines: list[str] = []
    rest = bulk.generate_bulk(url, POSTS, now + timedelta(hours=5), log=lines.append, jobs=2)
    assert rest.units_loaded == rest.units_total - 4
    assert any(f"continuing an earlier run: 4 of {rest.units_total} units" in m for m in lines)
    assert set(rest.checks.values()) == {0}
    assert posts_digest(url) == posts_digest(second_url) and posts_digest(url)[0] == POSTS
    assert derived(url) == derived(second_url)
    with psycopg.connect(url) as conn:
        assert (
            conn.execute("select count(*) from pg_class where relname like 'post\\_p%%\\_\\_bulk'").fetchone()[0] == 0
        )  # no table left by the interrupted unit
    # once complete, a run again does nothing
    again = bulk.generate_bulk(url, POSTS, now, log=quiet)
    assert again.units_loaded == 0 and posts_digest(url)[0] == POSTS


def test_bulk_refuses_a_small_disk_and_a_database_with_posts(url, monkeypatch):
    class Usage:
        free = 1000

    monkeypatch.setattr(bulk.shutil, "disk_usage", lambda path: Usage)
    with pytest.raises(NoSpaceError, match=r"needs [\d,]+ bytes .* 1,000 bytes \(0.0 GiB\) available"):
        bulk.generate_bulk(url, 1_000_000, datetime.now(UTC), log=lambda m: None)
    monkeypatch.undo()
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("select to_regnamespace('lokdarpan_bulk')").fetchone()[0] is None  # nothing written
        conn.execute("insert into core.author (name) values ('someone')")
        conn.execute(
            "insert into core.post (created_at, city, author_id, text, fingerprint)"
            " select now() - interval '1 day', (select min(ward_name) from core.ward),"
            " (select author_id from core.author where name = 'someone'), 'a post', sha256('x')"
        )
    with pytest.raises(UserError, match="already has posts that no bulk run generated"):
        bulk.generate_bulk(url, 10, datetime.now(UTC), log=lambda m: None)


def test_plan_units_split_the_year_exactly():
    now = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
    units = bulk.plan_units(1_000_003, now)
    assert sum(u.posts for u in units) == 1_000_003
    assert units[0].lo == now - timedelta(days=365) and units[-1].hi == now
    assert [u.first_no for u in units[1:]] == [u.first_no + u.posts for u in units[:-1]]
    assert [u.ordered for u in units] == [True] * 12 + [False]
    assert units[1].partition == "post_p2025_04"


def test_plan_units_are_utc_months_whatever_the_zone_of_now():
    now = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # still February in UTC-05:00, March in IST
    ist = now.astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert bulk.plan_units(10_000, ist) == bulk.plan_units(10_000, now)
    assert bulk.plan_units(10_000, ist)[-1].partition == "post_p2026_03"
