"""Deterministic synthetic posts over the 145 wards, for demos, tests and benchmarks.

Realistic on purpose: activity is uneven across wards (Zipf-like weights), follows a daily cycle
(peaks mid-morning and evening, Hyderabad time) and a weekly one (busier weekends); each ward has
its own party mix around Hyderabad's (BRS, INC and BJP across the city, AIMIM leading in the old
city, TDP, YSRCP and JSP marginal) and its own emotion mix; texts mix English and transliterated
Telugu political vocabulary; authors are a Zipf-weighted pool; a configurable share of lines is malformed in the ways real feeds
are (broken JSON, unknown ward, empty text, bad timestamps, unknown party, truncated lines).
Same seed and arguments → byte-identical output.
"""

from __future__ import annotations

import gzip
import json
import random
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..ingest.load import IngestReport, ingest_files
from ..postgres.connect import connect

IST = timezone(timedelta(hours=5, minutes=30))
PARTIES = ["BJP", "INC", "BRS", "AIMIM", "TDP", "YSRCP", "JSP", "Independent", "Other"]
PARTY_SPELLINGS = {
    "BRS": ["BRS", "TRS", "brs"],
    "INC": ["INC", "Congress", "inc"],
    "AIMIM": ["AIMIM", "MIM"],
    "JSP": ["JSP", "Janasena"],
}
EMOTIONS = ["positive", "negative", "neutral", "mixed", "unknown"]
CLASSIFIER: dict[str, list[str | None]] = {
    "positive": ["Hopeful", "Joy", "Pride", "positive"],
    "negative": ["Frustrated", "Anger", "Sadness", "Fear", "negative"],
    "neutral": ["neutral", "Informative"],
    "mixed": ["mixed"],
    "unknown": ["unknown", None],
}
ISSUES = [
    "water supply",
    "drainage",
    "potholes",
    "garbage collection",
    "street lights",
    "metro rail",
    "traffic jams",
    "flooding",
    "power cuts",
    "2BHK housing",
    "government schools",
    "hospitals",
    "property tax",
    "encroachments",
    "stray dogs",
    "bus service",
    "footpaths",
    "lake pollution",
    "ration cards",
    "pension delays",
]
EN = [
    "Residents of {ward} complain about {issue} again; {party} leaders promised action last month.",
    "{party} corporator inspected {issue} works in {ward} today, locals still unhappy.",
    "Great to see {issue} finally fixed in {ward}. Credit to {party} for following up.",
    "Why is nobody talking about {issue} in {ward}? {party} must answer.",
    "Public meeting in {ward} on {issue}: {party} and opposition exchanged sharp words.",
    "{ward} voters say {issue} will decide the next GHMC election, {party} under pressure.",
    "Night-long protest in {ward} over {issue}; police asked {party} workers to disperse.",
    "New survey: {issue} is the top concern in {ward}, ahead of jobs and prices.",
]
TE = [
    "{ward} lo {issue} samasya inka alane undi, {party} emi chestondi?",
    "{party} nayakulu {ward} ki vachi {issue} gurinchi matladaru, kani pani jaragaledu.",
    "Mana {ward} lo {issue} baagundi ippudu, {party} ki dhanyavadalu.",
    "{issue} valla {ward} prajalu chala ibbandi padutunnaru, GHMC spandinchali.",
    "Ennikala mundu {party} {ward} lo {issue} hami icharu, ippudu evaru pattinchukovatledu.",
]
FIRST = [
    "Ravi",
    "Sita",
    "Arjun",
    "Lakshmi",
    "Imran",
    "Fatima",
    "Kiran",
    "Padma",
    "Naveen",
    "Anusha",
    "Salman",
    "Priya",
    "Venkat",
    "Swathi",
    "Rahul",
    "Ayesha",
    "Suresh",
    "Divya",
    "Harsha",
    "Zoya",
]
LAST = [
    "Reddy",
    "Rao",
    "Khan",
    "Naidu",
    "Sharma",
    "Goud",
    "Yadav",
    "Ali",
    "Chary",
    "Varma",
    "Siddiqui",
    "Patel",
    "Kumar",
    "Begum",
    "Shetty",
]
# GHMC's contest is BRS, BJP, INC and AIMIM; TDP, YSRCP and JSP are marginal in Hyderabad.
# Relative weights of a ward's party mentions before a per-ward jitter of 0.6-1.4x.
CITY_PARTY_WEIGHTS = {
    "BRS": 32,
    "INC": 28,
    "BJP": 26,
    "AIMIM": 4,
    "TDP": 1.2,
    "YSRCP": 0.6,
    "JSP": 0.6,
    "Independent": 3,
    "Other": 2,
}
# The old city (Charminar, Chandrayangutta, Yakutpura, Bahadurpura, Malakpet, Nampally, Karwan
# assembly segments): AIMIM leads.
OLD_CITY_PARTY_WEIGHTS = {
    "AIMIM": 46,
    "BJP": 18,
    "INC": 12,
    "BRS": 12,
    "TDP": 0.5,
    "YSRCP": 0.3,
    "JSP": 0.3,
    "Independent": 2,
    "Other": 1.5,
}
OLD_CITY_WARDS = frozenset(
    [
        "Old Malakpet",
        "Akbarbagh",
        "Azampura",
        "Chawni",
        "Dabeerpura",
        "Rein Bazar",
        "Patthergatti",
        "Moghalpura",
        "Talab Chanchalam",
        "Lalithabagh",
        "Kurmaguda",
        "IS Sadan",
        "Santhosh Nagar",
        "Riyasat Nagar",
        "Kanchanbagh",
        "Barkas",
        "Chandrayangutta",
        "Uppuguda",
        "Jangammet",
        "Falaknuma",
        "Nawab Saheb Kunta",
        "Shalibanda",
        "Puranapool",
        "Doodh Bowli",
        "Jahanuma",
        "Ramnaspura",
        "Kishanbagh",
        "Suleman Nagar",
        "Shastripuram",
        "Karwan",
        "Langar Houz",
        "Golconda",
        "Tolichowki",
        "Nanal Nagar",
        "Mehdipatnam",
        "Asif Nagar",
        "Vijay Nagar Colony",
        "Ahmed Nagar",
        "Red Hills",
        "Mallepally",
        "Ziaguda",
    ]
)
# Goshamahal and its neighbours: BJP ahead, AIMIM close behind.
GOSHAMAHAL_PARTY_WEIGHTS = {
    "BJP": 36,
    "AIMIM": 28,
    "BRS": 14,
    "INC": 14,
    "TDP": 0.5,
    "YSRCP": 0.3,
    "JSP": 0.3,
    "Independent": 2,
    "Other": 1.5,
}
GOSHAMAHAL_WARDS = frozenset(
    ["Goshamahal", "Begum Bazar", "Mangalhat", "Jambagh", "Gunfoundry", "Dattatreya Nagar", "Ghansi Bazar", "Gowlipura"]
)


def party_weights(ward: str) -> dict[str, float]:
    """The base weights of a ward's party mentions: old city, Goshamahal area, or the rest of GHMC."""
    if ward in OLD_CITY_WARDS:
        return OLD_CITY_PARTY_WEIGHTS
    if ward in GOSHAMAHAL_WARDS:
        return GOSHAMAHAL_PARTY_WEIGHTS
    return CITY_PARTY_WEIGHTS


HOUR_WEIGHTS = [1, 0.6, 0.4, 0.3, 0.3, 0.6, 1.5, 3, 5, 6, 6, 5, 4.5, 4, 4, 4.2, 4.8, 5.5, 6.5, 7.5, 7, 5.5, 3.5, 2]
HOURS = list(range(24))
WEEKDAY_WEIGHTS = [1.0, 0.95, 0.95, 1.0, 1.05, 1.25, 1.3]  # Monday..Sunday


def _cum(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng: random.Random, items: list, cum: list[float]):
    return rng.choices(items, cum_weights=cum, k=1)[0]


class PostGenerator:
    """A seeded source of realistic posts over the given wards."""

    def __init__(self, wards: list[str], seed: int = 7, authors: int = 20_000):
        self.rng = random.Random(seed)
        rng = self.rng
        self.wards = list(wards)
        order = self.wards[:]
        rng.shuffle(order)
        weights = {w: 1.0 / (rank + 1) ** 0.8 for rank, w in enumerate(order)}
        self.ward_cum = _cum([weights[w] for w in self.wards])
        self.party_cum = {w: _cum([party_weights(w)[p] * rng.uniform(0.6, 1.4) for p in PARTIES]) for w in self.wards}
        self.emotion_cum = {w: _cum([rng.uniform(0.5, 2.0) * b for b in (1.0, 1.2, 0.9, 0.3, 0.2)]) for w in self.wards}
        self.authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)} {i:05d}" for i in range(authors)]
        self.author_cum = _cum([1.0 / (i + 1) ** 0.7 for i in range(authors)])
        self.hour_cum = _cum(HOUR_WEIGHTS)
        self._days: tuple | None = None

    def post(self, start: datetime, days: int) -> dict:
        """One post dated within the ``days`` days from ``start``."""
        rng = self.rng
        if self._days is None or self._days[0] != (start, days):
            self._days = (
                (start, days),
                list(range(days)),
                _cum([WEEKDAY_WEIGHTS[(start + timedelta(days=d)).weekday()] for d in range(days)]),
            )
        ward = _pick(rng, self.wards, self.ward_cum)
        day = _pick(rng, self._days[1], self._days[2])
        hour = _pick(rng, HOURS, self.hour_cum)
        at = (start + timedelta(days=day, hours=hour, seconds=rng.randrange(3600))).astimezone(IST)
        party = _pick(rng, PARTIES, self.party_cum[ward]) if rng.random() < 0.75 else None
        emotion = _pick(rng, EMOTIONS, self.emotion_cum[ward])
        label = rng.choice(CLASSIFIER[emotion])
        template = rng.choice(TE if rng.random() < 0.35 else EN)
        text = template.format(ward=ward, issue=rng.choice(ISSUES), party=party or "the GHMC")
        if rng.random() < 0.3:
            text += f" #{ward.replace(' ', '')} #{rng.choice(ISSUES).replace(' ', '')}"
        spelled = rng.choice(PARTY_SPELLINGS.get(party, [party])) if party else None
        return {
            "text": text,
            "author_name": _pick(rng, self.authors, self.author_cum) if rng.random() < 0.97 else None,
            "city": ward if rng.random() < 0.9 else f" {ward.lower()} ",
            "emotion": label,
            "party": spelled,
            "created_at": at.isoformat(timespec="seconds"),
            "epaper_id": None,
        }

    def malformed(self, good: dict) -> str:
        """A damaged copy of ``good`` in one of the ways real feeds break."""
        kind = self.rng.randrange(7)
        if kind == 0:
            return json.dumps(good, ensure_ascii=False)[:-7]  # broken JSON
        if kind == 1:
            return json.dumps({**good, "city": "Atlantis Nagar"}, ensure_ascii=False)
        if kind == 2:
            return json.dumps({**good, "text": "   "}, ensure_ascii=False)
        if kind == 3:
            return json.dumps({**good, "created_at": "yesterday evening"}, ensure_ascii=False)
        if kind == 4:
            return json.dumps({**good, "party": "Rashtriya Loktantrik XYZ"}, ensure_ascii=False)
        if kind == 5:
            return json.dumps({**good, "created_at": "9999-01-01T00:00:00+00:00"}, ensure_ascii=False)
        return json.dumps([good["text"]], ensure_ascii=False)  # not an object

    def lines(self, n: int, start: datetime, days: int, malformed: float = 0.0) -> Iterator[str]:
        """``n`` JSON Lines records, a share ``malformed`` of them damaged."""
        for _ in range(n):
            good = self.post(start, days)
            if malformed and self.rng.random() < malformed:
                yield self.malformed(good)
            else:
                yield json.dumps(good, ensure_ascii=False)


def write_posts(
    path: Path | str, n: int, wards: list[str], *, start: datetime, days: int = 1, seed: int = 7, malformed: float = 0.0
) -> Path:
    """Write n JSON Lines posts (gzip when the name ends in .gz); returns the path."""
    path = Path(path)
    gen = PostGenerator(wards, seed=seed)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for line in gen.lines(n, start, days, malformed):
            fh.write(line + "\n")
    return path


def load_wards(conn) -> list[str]:
    """The ward names of the deployed ward registry, sorted."""
    return [r[0] for r in conn.execute("select ward_name from core.ward order by ward_name")]


def load_demo(
    url: str,
    n: int,
    *,
    days: int,
    now: datetime,
    seed: int = 7,
    malformed: float = 0.0,
    workers: int | None = None,
    log: Callable[[str], None] = lambda msg: None,
) -> IngestReport:
    """Generate ``n`` posts over the ``days`` before ``now``, ingest them into ``url`` and refresh
    the dashboards; returns the ingest report."""
    with connect(url) as conn:
        wards = load_wards(conn)
    start = now - timedelta(days=days)
    with tempfile.TemporaryDirectory(prefix="lokdarpan-demo-") as tmp:
        path = write_posts(
            Path(tmp) / "demo_posts.jsonl.gz", n, wards, start=start, days=days, seed=seed, malformed=malformed
        )
        log(f"generated {n:,} posts over {days} day(s) (seed {seed}); ingesting")
        report = ingest_files(url, [path], "posts", workers=workers, progress=None)
    with connect(url, autocommit=True) as conn:
        found = conn.execute("select to_regproc('analytics.refresh_ward_analytics')").fetchone()
        if found and found[0]:
            for row in conn.execute("select * from analytics.refresh_ward_analytics()"):
                log(f"refreshed {row[0]} ({row[1]} rows, {row[2]} ms)")
    return report
