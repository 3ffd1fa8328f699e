"""DBA operations: SQLite content import (first run and re-run), backup, verified restore.

Creates a scratch database on the server of --db (default: the embedded server), deploys the plan
into it, builds an application-shaped SQLite file of --articles articles (each with a raw body,
two keyword matches and a cache entry), and times ``import_sqlite`` (first run, then a re-run that
must insert nothing), ``backup`` and ``restore(verify=True)``. Medians of --runs runs. Drops its
databases at the end.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from psycopg import sql

from ..console import logger
from ..importers.sqlite import import_sqlite
from ..migrations.engine import Deployer
from ..ops.backup import _drop_database, _with_dbname, backup, restore
from ..postgres.connect import connect, resolve_url
from ..project import project_dir
from .report import machine_description, write_section


def add_arguments(parser) -> None:
    """Add this benchmark's options."""
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-report", action="store_true", help="print, do not write BENCHMARKS.md")


def build_sqlite(path: Path, n: int, seed: int = 7) -> None:
    """Write a SQLite content database of ``n`` articles (with keyword matches and cache rows) to ``path``."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE articles (uri, title, news_source, summary, topic, publication_date,"
        " submission_date, sentiment, driver_type, tags, credibility_score, analyzed,"
        " ingest_status)"
    )
    conn.execute("CREATE TABLE raw_articles (uri, raw_markdown, last_updated)")
    conn.execute("CREATE TABLE keyword_article_matches (id, article_uri, keyword, group_id, detected_at, is_read)")
    conn.execute(
        "CREATE TABLE article_analysis_cache (id, article_uri, analysis_type, model_used,"
        " content, metadata, generated_at)"
    )
    words = "metro water flood roads budget school hospital election drainage traffic".split()
    dates = ["2024-03-{:02d} 10:{:02d}:00", "{:02d}/03/2024", "Tue, {:02d} Mar 2024 10:00:00 GMT"]
    for i in range(n):
        uri = f"https://news.invalid/{i}"
        d = rnd.randint(1, 28)
        conn.execute(
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                uri,
                " ".join(rnd.choices(words, k=6)),
                f"source {i % 40}",
                " ".join(rnd.choices(words, k=40)),
                rnd.choice(words),
                rnd.choice(dates).format(d, d),
                1709633400 + i,
                rnd.choice(["Positive", "Negative", "Neutral"]),
                rnd.choice(["Accelerator", "Blocker"]),
                "a, b",
                f"{rnd.randint(0, 100)}%",
                rnd.choice([0, 1, "true"]),
                rnd.choice(["pending", "Done"]),
            ),
        )
        conn.execute(
            "INSERT INTO raw_articles VALUES (?,?,?)",
            (uri, "# body\n" + " ".join(rnd.choices(words, k=300)), "2024-03-07"),
        )
        for k in rnd.sample(words, 2):
            conn.execute(
                "INSERT INTO keyword_article_matches VALUES (?,?,?,?,?,?)", (None, uri, k, 3, "2024-03-05 12:00", 0)
            )
        conn.execute(
            "INSERT INTO article_analysis_cache VALUES (?,?,?,?,?,?,?)",
            (None, uri, "summary", "m1", "short", '{"tokens": 12}', "2024-03-05"),
        )
    conn.commit()
    conn.close()


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t0, result


def run(args) -> int:
    """Time import-sqlite (first run, re-run), backup and verified restore; write the dba section of BENCHMARKS.md."""
    admin = resolve_url(args.db)
    root = project_dir(args.project_dir)
    log = logger(args.quiet)
    times: dict[str, list[float]] = {"import": [], "reimport": [], "backup": [], "restore": []}
    sizes = {}
    with tempfile.TemporaryDirectory(prefix="ldbench-") as tmp:
        src = Path(tmp) / "app.db"
        build_sqlite(src, args.articles)
        sizes["sqlite_mb"] = src.stat().st_size / 1e6
        for r in range(args.runs):
            name = f"ld_bench_dba_{uuid.uuid4().hex[:8]}"
            with connect(admin, autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            url = _with_dbname(admin, name)
            restored = None
            try:
                Deployer(url, root).deploy()
                dt_, rep = _timed(import_sqlite, src, url)
                times["import"].append(dt_)
                sizes["rows"] = sum(c.inserted for c in rep.tables.values())
                dt_, rep2 = _timed(import_sqlite, src, url)
                assert sum(c.inserted for c in rep2.tables.values()) == 0
                times["reimport"].append(dt_)
                dt_, b = _timed(backup, url, Path(tmp) / f"b{r}")
                times["backup"].append(dt_)
                sizes["dump_mb"] = b.manifest["dump_bytes"] / 1e6
                dt_, rr = _timed(restore, b.dump, admin, verify=True, project_dir=root)
                restored = rr.database
                assert rr.ok, rr.problems
                times["restore"].append(dt_)
            finally:
                _drop_database(admin, name)
                if restored:
                    _drop_database(admin, restored)
            log(f"run {r + 1}/{args.runs} done")
    med = {k: statistics.median(v) for k, v in times.items()}
    md = (
        f"Machine: {machine_description()}. Server: {admin.split('?')[0]} (scratch database). "
        f"{args.articles} articles from SQLite ({sizes['sqlite_mb']:.1f} MB; each with a raw "
        f"body, 2 keyword matches, 1 cache entry = {sizes['rows']} rows); medians of "
        f"{args.runs} runs.\n\n"
        "| step | median s | rows/s |\n|---|---|---|\n"
        f"| `import-sqlite`, first run (map, COPY, validate) | {med['import']:.2f} | "
        f"{sizes['rows'] / med['import']:.0f} |\n"
        f"| `import-sqlite`, re-run (nothing new) | {med['reimport']:.2f} | "
        f"{sizes['rows'] / med['reimport']:.0f} |\n"
        f"| `backup` (pg_dump -Fc + counts and checksums; dump {sizes['dump_mb']:.1f} MB) | "
        f"{med['backup']:.2f} | |\n"
        f"| `restore --verify` (sha256, list, restore, inventory, every change's verify, "
        f"integrity) | {med['restore']:.2f} | |\n"
    )
    if args.no_report:
        print(md)
    else:
        write_section(Path(root) / "BENCHMARKS.md", "dba", md)
        print(md)
    return 0
