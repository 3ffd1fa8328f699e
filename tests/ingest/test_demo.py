"""The demo's data looks like Hyderabad: GHMC's contest is BRS, BJP, INC and AIMIM (AIMIM ahead in
the old city), TDP, YSRCP and JSP marginal. Fixed seed, "now" passed explicitly."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from lokdarpan_db.synthetic.demo import GOSHAMAHAL_WARDS, OLD_CITY_WARDS, PostGenerator, load_demo

from ..conftest import ROOT

BIG_FOUR = {"BRS", "BJP", "INC", "AIMIM"}
MARGINAL = {"TDP", "YSRCP", "JSP"}


def _wards() -> list[str]:
    lines = (ROOT / "data" / "ghmc_wards.tsv").read_text().splitlines()[1:]
    return [line.split("\t")[1].strip() for line in lines if line.strip()]


def test_the_old_city_lists_name_real_wards():
    assert (OLD_CITY_WARDS | GOSHAMAHAL_WARDS) <= set(_wards())


def test_generated_party_mentions_follow_ghmc():
    wards = _wards()
    gen = PostGenerator(wards, seed=7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    spelled = {"TRS": "BRS", "brs": "BRS", "Congress": "INC", "inc": "INC", "MIM": "AIMIM", "Janasena": "JSP"}
    city: Counter = Counter()
    for _ in range(40_000):
        party = gen.post(start, 30)["party"]
        if party:
            city[spelled.get(party, party)] += 1
    total = sum(city.values())
    assert sum(city[p] for p in BIG_FOUR) / total >= 0.85, city
    assert all(city[p] / total < 0.03 for p in MARGINAL), city
    assert {p for p, _ in city.most_common(4)} == BIG_FOUR


def test_the_demo_reports_read_like_hyderabad(db, url):
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    load_demo(url, 30_000, days=30, now=now, seed=7, malformed=0.0)
    rows = db.execute("select party, count(*) from core.post where party is not null group by party").fetchall()
    city = dict(rows)
    total = sum(city.values())
    assert sum(city.get(p, 0) for p in BIG_FOUR) / total >= 0.85, city
    assert all(city.get(p, 0) / total < 0.03 for p in MARGINAL), city

    def shares(ward: str) -> dict[str, float]:
        return {party: float(share) for party, share in db.execute(
            "select party, mention_share from analytics.get_ward_competitive_analysis(%s, 30, %s)",
            [ward, now + timedelta(hours=1)])}

    busiest_old_city = db.execute(
        "select city from core.post where city = any(%s) group by city order by count(*) desc limit 1",
        [sorted(OLD_CITY_WARDS)]).fetchone()[0]
    old = shares(busiest_old_city)
    assert max(old, key=old.get) == "AIMIM", (busiest_old_city, old)
    jubilee = shares("Jubilee Hills")
    assert jubilee and max(jubilee, key=jubilee.get) in {"BRS", "INC", "BJP"}, jubilee
    assert sum(jubilee.get(p, 0) for p in MARGINAL) < 10, jubilee  # mention_share is a percentage
