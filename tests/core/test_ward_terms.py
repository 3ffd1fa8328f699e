"""core/post_ward_terms: every post matching a query holds every key core.ward_query_terms names
for it (so the index can only narrow, never lose a match), the index is on every partition, also
one created later, and a deploy interrupted half-way is deployed again and reverts to the exact
catalog."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lokdarpan_db.migrations.engine import Deployer
from lokdarpan_db.migrations.fingerprint import diff, fingerprint

from ..conftest import ROOT

WORDS = ["water", "supply", "metro", "rail", "it's", "o'brien", "a\\b", "x\x1ey", "flood-relief", "ब्लॉक",
         "tank", "road:s", "(and)", "|", "!", "&", "<->", "don''t"]
word_st = st.one_of(st.sampled_from(WORDS), st.text(alphabet="ab'\\:|!&()<-> \"\x1e\x1f", min_size=1, max_size=6))
query_st = st.lists(st.one_of(word_st, st.builds(lambda a, b: f'"{a} {b}"', word_st, word_st),
                              st.builds(lambda a: f"-{a}", word_st), st.just("or")),
                    min_size=1, max_size=4).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(docs=st.lists(st.lists(word_st, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=8), query=query_st)
def test_every_match_holds_every_key_its_query_names(db, docs, query):
    rows = db.execute(
        """select d, to_tsvector('english', d) @@ q, core.ward_terms('Kondapur', to_tsvector('english', d)),
                  core.ward_query_terms('Kondapur', q), tsvector_to_array(to_tsvector('english', d))
             from unnest(%s::text[]) d, websearch_to_tsquery('english', %s) q""", [docs, query]).fetchall()
    for doc, matches, terms, keys, lexemes in rows:
        # every lexeme a key can name is in the post's keys
        assert {f"Kondapur\x1f{x}" for x in lexemes if not set(x) & set("'\\ \x1e\x1f")} <= set(terms), doc
        if matches and keys is not None:
            assert set(keys) <= set(terms), (doc, query)
        if keys is not None:
            assert all(k.startswith("Kondapur\x1f") for k in keys)


def test_keys_name_the_lexemes_every_match_holds_and_none_when_no_lexeme_is_sure(db):
    def keys(q: str):
        return db.execute("select core.ward_query_terms('Kapra', websearch_to_tsquery('english', %s))", [q]).fetchone()[0]

    assert sorted(keys("water supply")) == ["Kapra\x1fsuppli", "Kapra\x1fwater"]
    assert keys('"water tanker" -mafia') == ["Kapra\x1ftanker", "Kapra\x1fwater"]
    # a lexeme with a quote, a backslash or a space has no key of its own (core.ward_terms): none
    for odd in ["$$'o''brien' & 'x'$$", "$$'a\\\\b' & 'x'$$", "$$'a b' & 'x'$$"]:
        assert db.execute(f"select core.ward_query_terms('Kapra', {odd}::tsquery)").fetchone()[0] is None, odd
    assert keys("water or tanker") is None                           # neither is sure
    assert keys('-"water supply"') is None and keys("-water") is None
    assert keys("the a") is None                                     # stop words only: an empty query
    assert db.execute("select core.ward_query_terms(null, 'water'::tsquery),"
                      " core.ward_query_terms('Kapra', 'wat:*'::tsquery), core.ward_query_terms('Kapra', 'wat:A'::tsquery)"
                      ).fetchone() == (None, None, None)
    # the key of a lexeme holding the index's separator is never in the index: the query names none
    assert db.execute("select core.ward_query_terms('Kapra', $$'x\x1ey'$$::tsquery)").fetchone()[0] is None


PARTITION_INDEXES = """
    select c.relname, x.indisvalid
      from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_index x on x.indexrelid = c.oid
     where i.inhparent = 'core.ix_post__ward_terms'::regclass order by 1"""


def _partitions(conn) -> list[str]:
    return [r[0] for r in conn.execute(
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
        " where i.inhparent = 'core.post'::regclass order by 1")]


def test_an_interrupted_deploy_is_deployed_again_and_reverts_to_the_exact_catalog(db, url):
    db.autocommit = True
    messages: list[str] = []
    engine = Deployer(url, ROOT, log=messages.append)
    # the last three reverted (the plan's changes after them, newest first, come before)
    assert [c.change_id for c in engine.revert("adopt/mapping_extra")][-3:] == [
        "adopt/cutover#2", "analytics/ward_api#2", "core/post_ward_terms"]
    before = fingerprint(db)
    parts = _partitions(db)
    assert len(parts) >= 3
    # killed half-way: the parent's index and one partition's build left invalid, none attached
    script = (ROOT / "sql/deploy/core/post_ward_terms.sql").read_text()
    db.execute(script[script.index("create or replace function core.ward_terms"):script.index("create or replace function core.ward_query_terms")])
    db.execute("create index ix_post__ward_terms on only core.post using gin (core.ward_terms(city, search_vector))")
    db.execute(f"create index {parts[1]}_ward_terms_idx on core.{parts[1]} using gin (core.ward_terms(city, search_vector))")
    db.execute(f"update pg_index set indisvalid = false where indexrelid = 'core.{parts[1]}_ward_terms_idx'::regclass")
    # a partition made meanwhile gets the index with its table (PostgreSQL's name for it)
    db.execute("create table core.post_p2031_01 partition of core.post for values from ('2031-01-01') to ('2031-02-01')")
    assert [c.change_id for c in engine.deploy("analytics/ward_api")] == ["core/post_ward_terms", "analytics/ward_api#2"]
    assert any(f"drop index concurrently core.{parts[1]}_ward_terms_idx" in m for m in messages)
    rows = db.execute(PARTITION_INDEXES).fetchall()
    assert len(rows) == len(parts) + 1 and all(valid for _, valid in rows)
    assert {f"{p}_ward_terms_idx" for p in parts} <= {name for name, _ in rows}
    assert db.execute("select indisvalid from pg_index where indexrelid = 'core.ix_post__ward_terms'::regclass").fetchone()[0]
    # a partition made afterwards too
    db.execute("create table core.post_p2031_02 partition of core.post for values from ('2031-02-01') to ('2031-03-01')")
    assert len(db.execute(PARTITION_INDEXES).fetchall()) == len(parts) + 2
    engine.revert("adopt/mapping_extra")
    db.execute("drop table core.post_p2031_01, core.post_p2031_02")
    assert diff(before, fingerprint(db)) == []


def test_the_index_is_used_and_its_expression_inlined(db):
    """PostgreSQL inlines core.ward_terms (no SET clause, LANGUAGE sql): the index's expression and
    the query's are the same built-in calls, so the query matches the index."""
    db.autocommit = True
    db.execute("set enable_seqscan = off")
    plan = "\n".join(r[0] for r in db.execute(
        "explain (verbose) select post_id from core.post where core.ward_terms(city, search_vector) @> %s::text[]",
        [["Kapra\x1fwater"]]))
    assert "ward_terms_idx" in plan and "string_to_array" in plan and "core.ward_terms" not in plan, plan
