"""content.search_articles against a plain-Python oracle of which articles match."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WORDS = ["metro", "flood", "water", "roads", "budget", "election", "school", "hospital"]
STEM = {"roads": "road"}


def _oracle(articles, word):
    stem = STEM.get(word, word)
    hits = []
    for uri, title, summary in articles:
        toks = re.findall(r"[a-z]+", f"{title or ''} {summary or ''}".lower())
        if any(STEM.get(tok, tok) == stem for tok in toks):
            hits.append(uri)
    return sorted(hits)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # table emptied per example
@given(st.lists(st.tuples(st.lists(st.sampled_from(WORDS), max_size=3),
                          st.lists(st.sampled_from(WORDS), max_size=5)), max_size=12),
       st.sampled_from(WORDS), st.integers(min_value=0, max_value=15))
def test_search_finds_exactly_the_articles_that_mention_the_word(db, rows, word, limit):
    db.execute("delete from content.articles")
    articles = [(f"https://s.invalid/{i}", " ".join(t) or None, " ".join(s) or None)
                for i, (t, s) in enumerate(rows)]
    with db.cursor() as cur:
        cur.executemany("insert into content.articles (uri, title, summary) values (%s, %s, %s)",
                        articles)
    want = _oracle(articles, word)
    got = db.execute("select uri, rank from content.search_articles(%s, %s)",
                     [word, limit]).fetchall()
    assert len(got) == min(limit, len(want))
    assert set(u for u, _ in got) <= set(want)
    assert sorted(u for (u,) in db.execute("select uri from content.search_articles(%s, 100)",
                                            [word])) == want
    ranks = [r for _, r in got]
    assert ranks == sorted(ranks, reverse=True)


def test_title_outranks_summary_and_bad_input_is_empty(db):
    db.execute("insert into content.articles (uri, title, summary) values"
               " ('a', 'nothing here', 'flood warning'), ('b', 'flood warning', 'nothing here')")
    assert [r[0] for r in db.execute("select uri from content.search_articles('flood')")] == \
        ["b", "a"]
    for q in ["", "the", None, "'&|!(", "-flood"]:
        # empty, stop words only, operator soup, or only a negation of a word both contain
        assert db.execute("select count(*) from content.search_articles(%s)", [q]).fetchone()[0] == 0
    assert db.execute("select count(*) from content.search_articles('flood', -1)").fetchone()[0] == 0
    assert db.execute("select count(*) from content.search_articles('flood', null)"
                      ).fetchone()[0] == 2
