"""The constraints that keep the schema ready for Citus (post distributed by ward), as the
catalog states them; see docs/operations.md, "Scale-out"."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def test_post_has_no_unique_key_but_its_primary_key(db):
    rows = db.execute(
        "select i.indisprimary, array_agg(a.attname::text order by k.ord)"
        "  from pg_index i cross join lateral unnest(i.indkey) with ordinality k(attnum, ord)"
        "  join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum"
        " where i.indrelid = 'core.post'::regclass and i.indisunique group by i.indexrelid,"
        " i.indisprimary").fetchall()
    # adding the ward (city) to this key keeps it unique: it is the only one to extend
    assert rows == [(True, ["post_id", "created_at"])]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["Kapra", "KAPRA", "kapra", "Jubilee Hills", "Banjara Hills"]),
       st.sampled_from(["Kapra", "Jubilee Hills", "jubilee hills"]), st.text(max_size=20))
def test_a_fingerprint_determines_the_ward(db, city_a, city_b, text):
    """So (city, fingerprint) dedupes exactly like fingerprint alone once post_fingerprint is
    co-located with post by ward."""
    text = text.replace("\x00", "")
    at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    fa, fb = db.execute("select core.post_fingerprint(%s, 'a', %s, %s),"
                        " core.post_fingerprint(%s, 'a', %s, %s)",
                        [city_a, at, text, city_b, at, text]).fetchone()
    assert (fa == fb) == (city_a.lower() == city_b.lower())


def test_reference_table_candidates_are_small_and_keyed(db):
    for table, key in [("core.ward", ["ward_name"]), ("core.party", ["party"]),
                       ("core.emotion", ["emotion"]), ("core.author", ["author_id"])]:
        cols = db.execute(
            "select array_agg(a.attname::text order by k.ord) from pg_index i"
            " cross join lateral unnest(i.indkey) with ordinality k(attnum, ord)"
            " join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum"
            " where i.indrelid = %s::regclass and i.indisprimary", [table]).fetchone()[0]
        assert cols == key, table
    assert db.execute("select count(*) from core.ward").fetchone()[0] == 145


def test_content_dependants_all_reference_the_article_uri(db):
    """Co-location of the content tables by uri: every foreign key in content that is not to
    import_run points at content.articles(uri)."""
    rows = db.execute(
        "select conrelid::regclass::text, confrelid::regclass::text from pg_constraint"
        " where contype = 'f' and connamespace = 'content'::regnamespace order by 1").fetchall()
    assert rows and all(target == "content.articles" for src, target in rows
                        if target != "content.import_run")
