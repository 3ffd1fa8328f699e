"""``import-sqlite``: move the content-analytics application's SQLite database into the
``content`` schema (the hybrid SQLite -> PostgreSQL plan), nothing lost, idempotent, validated.

For each source table, in dependency order (articles first): read every row with Python's
``sqlite3`` (TEXT as bytes, so non-UTF-8 text can be recovered), map each value
(``sqlite_types``), set aside rows that cannot be mapped and repeated keys that disagree with
the first occurrence (both go to ``content.import_reject`` with their reason), COPY the rest into
a temporary staging table, move orphans (a match, raw body or cache entry whose article does
not exist) to the reject table, and insert what is new (``ON CONFLICT DO NOTHING``: a re-run
inserts only keys not yet present). Then validate, in the same transaction: for every table
read = inserted + already present + repeated in the file + rejected; every accepted row is
present; a random sample of inserted rows equals the source field by field; no content row
points at a missing article. Any validation failure rolls everything back.

The whole load is one transaction under an advisory lock; the run itself is recorded first (in
``content.import_run``), so a failed or interrupted run is visible afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ..errors import LockTimeoutError, UserError, ValidationFailed
from ..ops.backup import sha256_file
from ..postgres.connect import connect
from . import sqlite_types as t

LOCK_KEY = "lokdarpan-db:import-sqlite"
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class Column:
    """One imported column: its name, its conversion, whether the source must have it."""

    name: str
    convert: Callable  # (value, counters) -> python value; raises t.BadValue
    required: bool = False  # must exist in the source table


def _text(v, c):
    return t.to_text(v, c)


def _key(v, c):
    s = t.to_text(v, c)
    s = s.strip() if s is not None else None
    if not s:
        raise t.BadValue("missing key")
    return s


def _plain(fn):
    return lambda v, c: fn(v)


def _false_when_null(v, c):
    b = t.to_bool(v)
    return False if b is None else b


TS, SCORE, BOOL = _plain(t.to_timestamp), _plain(t.to_score), _false_when_null


@dataclass
class TableSpec:
    """One imported table: its key, its columns, the article it must reference."""

    name: str  # the same in SQLite and in schema content
    key: tuple[str, ...]
    columns: list[Column]
    article_fk: str | None = None  # column that must name an existing article

    @property
    def names(self) -> list[str]:
        """The column names, in order."""
        return [c.name for c in self.columns]


ARTICLE_TEXT = [
    "title",
    "news_source",
    "summary",
    "topic",
    "category",
    "sentiment",
    "sentiment_explanation",
    "future_signal",
    "future_signal_explanation",
    "time_to_impact",
    "time_to_impact_explanation",
    "driver_type",
    "driver_type_explanation",
    "bias",
    "factual_reporting",
    "mbfc_credibility_rating",
    "bias_source",
    "bias_country",
    "press_freedom",
    "media_type",
    "popularity",
    "quality_issues",
]

SPECS = [
    TableSpec(
        "articles",
        ("uri",),
        [
            Column("uri", _key, True),
            *[Column(n, _text) for n in ARTICLE_TEXT],
            Column("publication_date", TS),
            Column("submission_date", TS),
            Column("tags", t.to_tags),
            Column("credibility_score", SCORE),
            Column("relevance_score", SCORE),
            Column("quality_score", SCORE),
            Column("analyzed", BOOL),
            Column("auto_ingested", BOOL),
            Column("ingest_status", t.to_ingest_status),
        ],
    ),
    TableSpec(
        "raw_articles",
        ("uri",),
        [
            Column("uri", _key, True),
            Column("raw_markdown", _text),
            Column("submission_date", TS),
            Column("last_updated", TS),
            Column("topic", _text),
        ],
        article_fk="uri",
    ),
    TableSpec(
        "keyword_article_matches",
        ("article_uri", "keyword"),
        [
            Column("article_uri", _key, True),
            Column("keyword", _key, True),
            Column("group_id", _plain(t.to_int)),
            Column("detected_at", TS),
            Column("is_read", BOOL),
        ],
        article_fk="article_uri",
    ),
    TableSpec(
        "article_analysis_cache",
        ("article_uri", "analysis_type", "model_used"),
        [
            Column("article_uri", _key, True),
            Column("analysis_type", _key, True),
            Column("model_used", lambda v, c: (t.to_text(v, c) or "").strip()),
            Column("content", _text),
            Column("metadata", t.to_json),
            Column("generated_at", TS),
            Column("expires_at", TS),
        ],
        article_fk="article_uri",
    ),
]


@dataclass
class TableCounts:
    """What happened to one table's rows."""

    read: int = 0
    inserted: int = 0
    existing: int = 0  # key already in PostgreSQL (an earlier run, or the application)
    duplicate: int = 0  # key repeated in the file with the same values
    rejected: int = 0
    missing_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The counts as a JSON-ready dict."""
        return {
            "read": self.read,
            "inserted": self.inserted,
            "existing": self.existing,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
        }


@dataclass
class ImportReport:
    """The result of one import: counts per table and what validation checked."""

    import_id: int
    source: Path
    sha256: str
    tables: dict[str, TableCounts]
    sample_checked: int = 0
    recoded: int = 0
    nul_removed: int = 0
    problems: list[str] = field(default_factory=list)


# -- reading SQLite -------------------------------------------------------------------------
def open_sqlite(path: Path) -> sqlite3.Connection:
    """Open ``path`` read-only as a SQLite database (a UserError when it is not one)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise UserError(f"{path} is not a SQLite database (no SQLite header)")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.text_factory = bytes
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{path} is not a readable SQLite database: {exc}") from None
    return conn


def _source_columns(conn: sqlite3.Connection, path: Path, spec: TableSpec) -> list[str]:
    have = [
        r[1].decode() if isinstance(r[1], bytes) else r[1] for r in conn.execute(f'PRAGMA table_info("{spec.name}")')
    ]
    missing = [c.name for c in spec.columns if c.required and c.name not in have]
    if missing:
        raise UserError(f"{path}: table {spec.name} lacks column(s) {', '.join(missing)}")
    return have


def read_rows(conn: sqlite3.Connection, spec: TableSpec, have: list[str]):
    """Yield one dict per source row (only the columns we map), in rowid order; BLOB cells as
    sqlite_types.Blob, TEXT cells as bytes."""
    cols = [c for c in spec.names if c in have]
    select = ", ".join(f'"{c}", typeof("{c}")' for c in cols)
    try:
        cur = conn.execute(f'SELECT {select} FROM "{spec.name}" ORDER BY _rowid_')
    except sqlite3.OperationalError:  # a WITHOUT ROWID table
        cur = conn.execute(f'SELECT {select} FROM "{spec.name}"')
    for row in cur:
        out = {}
        for i, c in enumerate(cols):
            v, kind = row[2 * i], row[2 * i + 1]
            out[c] = t.Blob(v) if kind == b"blob" and v is not None else v
        yield out


def _key_text(v) -> str:
    """A key cell as text for content.import_reject.source_key, even when it does not map."""
    try:
        return (t.to_text(v) or "").strip() if v is not None else "None"
    except t.BadValue:
        return str(t.json_safe(v))


def _raw_json(row: dict) -> tuple[str, str]:
    """The source row as canonical JSON text, and its sha256 (hex)."""
    text = json.dumps({k: t.json_safe(v) for k, v in row.items()}, sort_keys=True, ensure_ascii=True)
    return text, hashlib.sha256(text.encode()).hexdigest()


# -- the import -------------------------------------------------------------------------------
def import_sqlite(
    path: Path, url: str, *, sample: int = 50, lock_wait: float = 60.0, log: Callable[[str], None] = lambda m: None
) -> ImportReport:
    """Import the SQLite file at ``path`` into schema content of ``url``; see the module doc.
    Waits up to ``lock_wait`` seconds for another import (and for any row lock) before giving
    up with LockTimeoutError (exit 4)."""
    path = Path(path)
    src = open_sqlite(path)
    try:
        tables = {
            (r[0].decode() if isinstance(r[0], bytes) else r[0])
            for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        for spec in SPECS:
            if spec.name not in tables:
                raise UserError(f"{path} has no table {spec.name} (found: {', '.join(sorted(tables)) or 'no tables'})")
        have = {spec.name: _source_columns(src, path, spec) for spec in SPECS}
        digest = sha256_file(path)
        with connect(url, autocommit=True) as admin:
            if admin.execute("SELECT to_regclass('content.import_run') IS NULL").fetchone()[0]:
                raise UserError("the content module is not deployed here (lokdarpan-db deploy)")
            import_id = admin.execute(
                "INSERT INTO content.import_run (source_path, source_sha256) VALUES (%s, %s) RETURNING import_id",
                [str(path.resolve()), digest],
            ).fetchone()[0]
            report = ImportReport(import_id, path, digest, {s.name: TableCounts() for s in SPECS})
            try:
                with connect(url) as conn:
                    conn.execute("SET TimeZone = 'UTC'")
                    conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{int(lock_wait * 1000)}ms")))
                    try:
                        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [LOCK_KEY])
                    except psycopg.errors.LockNotAvailable:
                        raise LockTimeoutError(
                            f"another import-sqlite is still running after {lock_wait:.0f} s "
                            "(its advisory lock is held); try again later"
                        ) from None
                    counters = t.Counters()
                    for spec in SPECS:
                        log(f"importing {spec.name}")
                        _load_table(conn, src, spec, have[spec.name], report, counters, sample)
                    report.recoded, report.nul_removed = counters.recoded, counters.nul_removed
                    _check_foreign_keys(conn, report)
                    if report.problems:
                        conn.rollback()
                        raise ValidationFailed(
                            f"import of {path} failed validation, nothing imported: {report.problems[0]}"
                        )
                    conn.execute(
                        "UPDATE content.import_run SET status = 'completed', finished_at = now(),"
                        " counts = %s WHERE import_id = %s",
                        [
                            Jsonb(
                                {
                                    **{n: c.as_dict() for n, c in report.tables.items()},
                                    "sample_checked": report.sample_checked,
                                    "recoded_text": report.recoded,
                                    "nul_removed": report.nul_removed,
                                }
                            ),
                            import_id,
                        ],
                    )
                    conn.commit()
            except BaseException as exc:
                admin.execute(
                    "UPDATE content.import_run SET status = 'failed', finished_at = now(),"
                    " counts = %s WHERE import_id = %s",
                    [Jsonb({"error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}), import_id],
                )
                raise
    finally:
        src.close()
    return report


def _staging(conn: psycopg.Connection, spec: TableSpec) -> sql.Composable:
    types: dict[str, str] = dict(
        conn.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [f"content.{spec.name}"],
        ).fetchall()
    )
    stg = sql.Identifier(f"stg_{spec.name}")
    cols = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(types[c])) for c in spec.names]
    conn.execute(
        sql.SQL("CREATE TEMP TABLE {} ({}, src_key text, src_row jsonb, row_sha256 text) ON COMMIT DROP").format(
            stg, sql.SQL(", ").join(cols)
        )
    )
    return stg


def _reject(conn, import_id: int, spec: TableSpec, rows: list[tuple[str, str, str, str]]) -> None:
    if rows:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO content.import_reject (import_id, source_table, source_key, reason,"
                " raw_row, row_sha256) VALUES (%s, %s, %s, %s, %s::jsonb, %s)"
                " ON CONFLICT (source_table, row_sha256) DO NOTHING",
                [(import_id, spec.name, key, reason, raw, sha) for key, reason, raw, sha in rows],
            )


def _load_table(
    conn, src, spec: TableSpec, have: list[str], report: ImportReport, counters: t.Counters, sample: int
) -> None:
    counts = report.tables[spec.name]
    counts.missing_columns = [c for c in spec.names if c not in have]
    accepted: dict[tuple, tuple] = {}  # key -> (mapped values, raw, sha)
    rejects: list[tuple[str, str, str, str]] = []
    for row in read_rows(src, spec, have):
        counts.read += 1
        raw, sha = _raw_json(row)
        try:
            values = {}
            for col in spec.columns:
                try:
                    values[col.name] = col.convert(row.get(col.name), counters)
                except t.BadValue as exc:
                    raise t.BadValue(f"{col.name}: {exc}") from None
        except t.BadValue as exc:
            rejects.append(("|".join(_key_text(row.get(k)) for k in spec.key), f"unmappable: {exc}", raw, sha))
            continue
        key = tuple(values[k] for k in spec.key)
        mapped = tuple(values[c] for c in spec.names)
        if key in accepted:
            if accepted[key][0] == mapped:
                counts.duplicate += 1
            else:
                rejects.append(
                    (
                        "|".join(key),
                        "duplicate: key appears earlier in the file with other values (the first row was imported)",
                        raw,
                        sha,
                    )
                )
            continue
        accepted[key] = (mapped, raw, sha)
    counts.rejected += len(rejects)
    _reject(conn, report.import_id, spec, rejects)

    stg = _staging(conn, spec)
    cols = sql.SQL(", ").join(map(sql.Identifier, spec.names))
    with conn.cursor().copy(sql.SQL("COPY {} ({}, src_key, src_row, row_sha256) FROM STDIN").format(stg, cols)) as copy:
        for key, (mapped, raw, sha) in accepted.items():
            copy.write_row([*_copy_row(spec, mapped), "|".join(key), raw, sha])
    table = sql.Identifier("content", spec.name)
    if spec.article_fk:
        fk = sql.Identifier(spec.article_fk)
        orphan = sql.SQL("NOT EXISTS (SELECT 1 FROM content.articles a WHERE a.uri = s.{})").format(fk)
        n = conn.execute(sql.SQL("SELECT count(*) FROM {} s WHERE {}").format(stg, orphan)).fetchone()[0]
        conn.execute(
            sql.SQL(
                "INSERT INTO content.import_reject (import_id, source_table, source_key, reason,"
                " raw_row, row_sha256) SELECT %s, %s, s.src_key, 'orphan: article ' || s.{}"
                " || ' does not exist', s.src_row, s.row_sha256 FROM {} s WHERE {}"
                " ON CONFLICT (source_table, row_sha256) DO NOTHING"
            ).format(fk, stg, orphan),
            [report.import_id, spec.name],
        )
        conn.execute(sql.SQL("DELETE FROM {} s WHERE {}").format(stg, orphan))
        counts.rejected += n
    # rows rejected by an earlier run (e.g. an orphan whose article has arrived since) are resolved
    conn.execute(
        sql.SQL(
            "DELETE FROM content.import_reject r USING {} s WHERE r.source_table = %s AND r.row_sha256 = s.row_sha256"
        ).format(stg),
        [spec.name],
    )
    keys = sql.SQL(", ").join(map(sql.Identifier, spec.key))
    inserted = conn.execute(
        sql.SQL(
            "INSERT INTO {} ({}, import_id) SELECT {}, %s FROM {} ORDER BY src_key ON CONFLICT DO NOTHING RETURNING {}"
        ).format(table, cols, cols, stg, keys),
        [report.import_id],
    ).fetchall()
    staged = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(stg)).fetchone()[0]
    counts.inserted = len(inserted)
    counts.existing = staged - counts.inserted
    _validate_table(conn, spec, stg, staged, counts, accepted, inserted, report, sample)


JSON_COLUMNS = {"metadata"}


def _copy_row(spec: TableSpec, mapped: tuple) -> list:
    out = []
    for col, v in zip(spec.names, mapped, strict=True):
        if col in JSON_COLUMNS and v is not None:
            v = json.dumps(v, ensure_ascii=True)
        elif isinstance(v, list) and not v:
            v = "{}"
        out.append(v)
    return out


def _validate_table(conn, spec, stg, staged, counts, accepted, inserted, report, sample) -> None:
    name = spec.name
    if counts.read != counts.inserted + counts.existing + counts.duplicate + counts.rejected:
        report.problems.append(
            f"{name}: {counts.read} read but {counts.inserted} inserted + "
            f"{counts.existing} present + {counts.duplicate} duplicate + "
            f"{counts.rejected} rejected"
        )
    on = sql.SQL(" AND ").join(sql.SQL("t.{0} = s.{0}").format(sql.Identifier(k)) for k in spec.key)
    present = conn.execute(
        sql.SQL("SELECT count(*) FROM {} s JOIN {} t ON {}").format(stg, sql.Identifier("content", name), on)
    ).fetchone()[0]
    if present != staged:
        report.problems.append(f"{name}: {staged - present} accepted rows are not in content.{name}")
    picks = random.Random(report.sha256 + name).sample(inserted, min(sample, len(inserted)))
    where = sql.SQL(" AND ").join(sql.SQL("{} = %s").format(sql.Identifier(k)) for k in spec.key)
    q = sql.SQL("SELECT {} FROM {} WHERE {}").format(
        sql.SQL(", ").join(map(sql.Identifier, spec.names)), sql.Identifier("content", name), where
    )
    for key in picks:
        got = conn.execute(q, list(key)).fetchone()
        want = accepted[tuple(key)][0]
        for col, g, w in zip(spec.names, got, want, strict=True):
            if not _same(g, w):
                report.problems.append(f"{name} {'|'.join(key)}: {col} is {g!r}, source {w!r}")
        report.sample_checked += 1


def _same(got, want) -> bool:
    if isinstance(want, dt.datetime) and isinstance(got, dt.datetime):
        return got == want
    if want is None and got == []:
        return True
    return got == want


def _check_foreign_keys(conn, report: ImportReport) -> None:
    for spec in SPECS:
        if spec.article_fk:
            q = sql.SQL(
                "SELECT count(*) FROM {} x WHERE NOT EXISTS (SELECT 1 FROM content.articles a WHERE a.uri = x.{})"
            ).format(sql.Identifier("content", spec.name), sql.Identifier(spec.article_fk))
            n = conn.execute(q).fetchone()[0]
            if n:
                report.problems.append(f"{spec.name}: {n} rows point at a missing article")
