"""Hypothesis over messy legacy rows: whatever the labels, texts, times and duplicates, and
whatever the batch size, every legacy row is accounted for exactly once, by id (adopted or
quarantined with a reason), and verify finds no difference."""

from __future__ import annotations

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lokdarpan_db.adopt import run

from ..conftest import ROOT

LEGACY = """
create table public.author (id serial primary key, name varchar(120) not null unique, party varchar(64));
create table public.epaper (id serial primary key, publication_name varchar(100) not null, publication_date date not null,
                            raw_text text not null, created_at timestamp, sha256 varchar(64) not null unique);
create table public.post (id serial primary key, text text not null, author_id integer references public.author (id),
                          city varchar(120), emotion varchar(64), party varchar(64), created_at timestamp not null,
                          epaper_id integer references public.epaper (id));
"""

WARDS = st.one_of(st.none(), st.sampled_from([
    "Jubilee Hills", "jubilee hills", "  Jubilee   Hills ", "Ward 95", "Ward 95 Jubilee Hills", "95 - Jubilee Hills",
    "Himayatnagar", "Himayath Nagar", "Dr. A.S. Rao Nagar", "Dr A S Rao Nagar", "Hyderabad", "HYDERABAD", "Test Ward",
    "Ward 37", "Ward 999", "", "   ", "Kapra"]), st.text(max_size=12))
LABELS = st.one_of(st.none(), st.sampled_from(["Positive", "Negative", "Hopeful", "Frustration", "Frustrated", "Anger",
                                               "Sadness", "Neutral", "Pride", "Admiration", "Unknown", "Error",
                                               "positive", "BJP", "TRS", "Congress", "TEST", "Other", "PRAJA_RAJYAM"]),
                   st.text(max_size=10))
TEXT = st.one_of(st.sampled_from(["same text", "  ", "", "తెలుగు వార్త", "हिंदी", "x" * 10001]), st.text(max_size=30))

POST = st.fixed_dictionaries({
    "text": TEXT, "author": st.integers(0, 3), "city": WARDS, "emotion": LABELS, "party": LABELS,
    "hours": st.integers(min_value=0, max_value=400 * 24), "epaper": st.integers(0, 2)})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(posts=st.lists(POST, min_size=1, max_size=25), dup=st.booleans(), batch=st.integers(1, 7),
       authors=st.lists(st.sampled_from(["A", " A", "B ", "Ravi", "x" * 120]), min_size=0, max_size=3, unique=True))
def test_every_messy_row_is_accounted_for_once(clone_db, posts, dup, batch, authors):
    url = clone_db()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(LEGACY)
        for name in authors:
            conn.execute("insert into public.author (name) values (%s)", [name])
        conn.execute("insert into public.epaper (publication_name, publication_date, raw_text, sha256) values"
                     " ('Eenadu', '2024-05-01', 'same', 's1'), ('Eenadu', '2024-05-02', 'same', 's2')")
        rows = posts + (posts[:2] if dup else [])
        for p in rows:
            conn.execute(
                "insert into public.post (text, author_id, city, emotion, party, created_at, epaper_id)"
                " values (%s, %s, %s, %s, %s, timestamp '2024-01-01' + %s * interval '1 hour', %s)",
                [p["text"].replace("\x00", ""), p["author"] if 0 < p["author"] <= len(authors) else None,
                 None if p["city"] is None else p["city"].replace("\x00", ""),
                 None if p["emotion"] is None else p["emotion"].replace("\x00", "")[:64],
                 None if p["party"] is None else p["party"].replace("\x00", "")[:64],
                 p["hours"], p["epaper"] or None])
    run.start(url, "public", "UTC", project_dir=ROOT, batch_size=batch)
    with psycopg.connect(url) as conn:
        for table in ("author", "epaper", "post"):
            legacy = sorted(r[0] for r in conn.execute(psycopg.sql.SQL("select id from {}").format(
                psycopg.sql.Identifier("public", table))))
            accounted = sorted(r[0] for r in conn.execute(
                "select legacy_id from adopt.mapping where legacy_table = %(t)s"
                " union all select legacy_id from adopt.quarantine where legacy_table = %(t)s", {"t": table}))
            assert accounted == legacy, table
        # the rules: no ward -> quarantined as such; an adopted post sits on a real ward with its id
        for pid, city, reason in conn.execute(
                "select l.id, l.city, q.reason from public.post l"
                " left join adopt.quarantine q on q.legacy_table = 'post' and q.legacy_id = l.id"):
            if city is None or city.strip().lower() == "hyderabad":
                assert reason in ("no_ward", "bad_text"), (pid, city, reason)
        assert conn.execute("""
            select count(*) from adopt.mapping m left join core.post p on p.post_id = m.core_id
             left join core.ward w on w.ward_name = p.city
             where m.legacy_table = 'post' and w.ward_name is null""").fetchone()[0] == 0
    res = run.verify(url)
    assert res.differences == []
