"""Build application-shaped SQLite databases for the import tests (loose types, no primary keys,
so duplicate URIs and mixed types are possible as in the wild)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

ARTICLE_COLUMNS = ["uri", "title", "news_source", "summary", "topic", "category",
                   "publication_date", "submission_date", "sentiment", "future_signal",
                   "time_to_impact", "driver_type", "tags", "bias", "factual_reporting",
                   "mbfc_credibility_rating", "credibility_score", "relevance_score",
                   "quality_score", "analyzed", "auto_ingested", "ingest_status"]
SCHEMA = {
    "articles": ARTICLE_COLUMNS,
    "raw_articles": ["uri", "raw_markdown", "submission_date", "last_updated", "topic"],
    "keyword_article_matches": ["id", "article_uri", "keyword", "group_id", "detected_at",
                                "is_read"],
    "article_analysis_cache": ["id", "article_uri", "analysis_type", "content", "model_used",
                               "generated_at", "expires_at", "metadata"],
}


def build(path: Path, rows: dict[str, list[dict]], *, skip: tuple[str, ...] = ()) -> Path:
    conn = sqlite3.connect(path)
    for table, cols in SCHEMA.items():
        if table in skip:
            continue
        conn.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(cols)})")
    add(path, rows, conn=conn)
    return path


def add(path: Path, rows: dict[str, list[dict]], conn=None) -> None:
    own = conn is None
    conn = conn or sqlite3.connect(path)
    for table, items in rows.items():
        for item in items:
            cols = list(item)
            # bytes are stored as TEXT holding those bytes (how non-UTF-8 text gets into SQLite
            # written by other tools); sqlite3.Binary (a memoryview) stays a BLOB
            marks = ["CAST(? AS TEXT)" if isinstance(item[c], bytes) else "?" for c in cols]
            conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(marks)})",
                         [item[c] for c in cols])
    conn.commit()
    if own or conn is not None:
        conn.close()
