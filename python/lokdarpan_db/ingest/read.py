"""Stream an input file into batches of decoded rows and rejected lines.

The loader does only what a database cannot do with COPY: split lines, decode bytes (UTF-8,
gzip), parse JSON Lines or CSV, check types and parse timestamps. Everything that needs the
database (wards, vocabularies, time window, dedupe) is the set-based merge's job. A line is
never dropped silently: it becomes a row for COPY or a ``Reject`` with a reason.

Decisions: blank lines are not records and are not counted; naive timestamps are Hyderabad time
(IST, UTC+05:30); numbers as timestamps are Unix epoch seconds; gzip is recognised by its magic
bytes, whatever the file name; CSV is chosen by a ``.csv`` / ``.csv.gz`` name, JSON Lines otherwise.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import orjson

from ..errors import UserError

IST = timezone(timedelta(hours=5, minutes=30))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
MAX_FIELD = 1_000_000  # characters; longer strings are rejected before reaching the database


@dataclass
class Reject:
    """A line that will not be stored, with its reason code and raw text or bytes."""

    line_no: int
    reason: str
    detail: str | None
    raw_line: str
    raw_bytes: bytes | None = None


@dataclass
class Batch:
    """Consecutive lines of one file, parsed into staging rows and rejects."""

    kind: str
    source: str
    first_line: int
    last_line: int = 0
    byte_from: int = 0
    byte_to: int = 0
    rows: list[tuple] = field(default_factory=list)
    raw: dict[int, str] = field(default_factory=dict)  # line_no -> raw text of staged rows
    rejects: list[Reject] = field(default_factory=list)
    parse_ms: float = 0.0

    @property
    def lines(self) -> int:
        """Lines read into this batch (staged plus rejected)."""
        return len(self.rows) + len(self.rejects)


class LineError(Exception):
    """Why one line is rejected: a reason code and a detail."""

    def __init__(self, reason: str, detail: str | None = None):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def open_binary(path: Path):
    """Open a file for reading, decompressing gzip (recognised by its magic bytes)."""
    fh = open(path, "rb")
    magic = fh.read(2)
    fh.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=fh, mode="rb")
    return fh


def is_csv(path: Path) -> bool:
    """True when the file name says CSV (.csv or .csv.gz)."""
    name = path.name.lower()
    return name.endswith(".csv") or name.endswith(".csv.gz")


def _show(raw: bytes) -> str:
    return raw.decode("utf-8", errors="backslashreplace").replace("\x00", "\\x00")


def parse_timestamp(value) -> datetime:
    """A timestamp field as an aware datetime (naive times are Hyderabad time)."""
    if isinstance(value, bool) or value is None:
        raise LineError("bad_timestamp", f"created_at {value!r}")
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise LineError("bad_timestamp", f"created_at {value!r} is not a Unix time") from None
    if not isinstance(value, str):
        raise LineError("bad_type", f"created_at is {type(value).__name__}")
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        try:
            ts = datetime.fromisoformat(value.strip())
        except ValueError:
            raise LineError("bad_timestamp", f"created_at {value[:80]!r} is not ISO 8601") from None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=IST)
    return ts


def parse_date(value) -> date:
    """A date field (YYYY-MM-DD) as a date."""
    if not isinstance(value, str):
        raise LineError("bad_type", f"publication_date is {type(value).__name__}")
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise LineError("bad_timestamp", f"publication_date {value[:40]!r} is not a date") from None


def _text(obj: dict, key: str, required: bool = False) -> str | None:
    value = obj.get(key)
    if value is None or (value == "" and not required):
        if required:
            raise LineError("missing_text" if key in ("text", "raw_text") else "missing_field", f"{key} is missing")
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key in ("city", "party", "author_name"):
        value = str(value)
    if not isinstance(value, str):
        raise LineError("bad_type", f"{key} is {type(value).__name__}, not a string")
    if "\x00" in value:
        raise LineError("nul_byte", f"{key} contains a NUL character")
    if len(value) > MAX_FIELD:
        raise LineError("too_long", f"{key} has {len(value)} characters")
    return value


def _opt(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if type(value) is not str:
        return _text(obj, key)
    if "\x00" in value:
        raise LineError("nul_byte", f"{key} contains a NUL character")
    if len(value) > MAX_FIELD:
        raise LineError("too_long", f"{key} has {len(value)} characters")
    return value


def fingerprint(city: str | None, author: str | None, created_at: datetime, text: str) -> bytes:
    """The same bytes as SQL core.post_fingerprint(ward, author, created_at, text) for a row whose
    city resolves to a ward (ward lookup ignores case, surrounding and repeated spaces) and whose
    created_at is after 1970 (the merge rejects anything before 2000)."""
    ward = (city or "").strip(" ")
    if "  " in ward or not ward.isprintable():  # rare: collapse runs of white space as SQL does
        ward = _SPACES.sub(" ", ward)
    ward = ward.lower()  # lower(regexp_replace(btrim(..), '\\s+', ' ', 'g'))
    author = (author or "").strip(" ")  # nullif(btrim(author), '')
    delta = created_at - _EPOCH  # exact integer arithmetic, as PostgreSQL's numeric epoch
    stamp = f"{delta.days * 86400 + delta.seconds}.{delta.microseconds:06d}"
    return hashlib.sha256(f"{ward}\x1f{author}\x1f{stamp}\x1f{text}".encode()).digest()


def post_row(obj: dict) -> tuple:
    """A post record as its staging row (raises LineError)."""
    text = obj.get("text")
    if type(text) is not str or "\x00" in text or len(text) > MAX_FIELD:
        text = _text(obj, "text", required=True)
    created = obj.get("created_at")
    if created is None or created == "":
        raise LineError("bad_timestamp", "created_at is missing")
    ts = parse_timestamp(created)
    epaper = obj.get("epaper_id")
    if epaper in ("", None):
        epaper = None
    elif isinstance(epaper, bool) or not isinstance(epaper, (int, str)):
        raise LineError("bad_type", f"epaper_id is {type(epaper).__name__}")
    else:
        try:
            epaper = int(epaper)
        except ValueError:
            raise LineError("bad_type", f"epaper_id {str(epaper)[:40]!r} is not an integer") from None
        if not -(2**63) <= epaper < 2**63:
            raise LineError("bad_type", "epaper_id is out of range")
    author = _opt(obj, "author_name")
    city = _opt(obj, "city")
    assert text is not None  # required=True
    return (
        text,
        author,
        city,
        _opt(obj, "emotion"),
        _opt(obj, "party"),
        ts,
        epaper,
        fingerprint(city, author, ts, text),
    )


def epaper_row(obj: dict) -> tuple:
    """An e-paper record as its staging row (raises LineError)."""
    name = _text(obj, "publication_name", required=True)
    pub = obj.get("publication_date")
    if pub in (None, ""):
        raise LineError("bad_timestamp", "publication_date is missing")
    return (name, parse_date(pub), _text(obj, "raw_text", required=True), _text(obj, "city"), _text(obj, "party"))


def _records(path: Path, csv_mode: bool) -> Iterator[tuple[int, int, bytes, str, dict | None, LineError | None]]:
    """(line_no, byte_offset_after, raw bytes, decoded text or "", object or None, error or None)
    per non-blank record.

    JSON is parsed by orjson: about eight times faster than the standard library, and strict
    where the database would fail later (an unpaired surrogate escape such as "\\ud800" cannot be
    stored as UTF-8, NaN and Infinity are not JSON): such lines are rejected as malformed_json."""
    stream = open_binary(path)
    offset = 0
    header: list[str] | None = None
    try:
        for line_no, raw in enumerate(stream, 1):
            offset += len(raw)
            truncated = not raw.endswith(b"\n")
            body = raw.rstrip(b"\r\n")
            if not body.strip():
                continue
            if b"\x00" in body:
                yield line_no, offset, body, "", None, LineError("nul_byte", f"NUL byte at column {body.index(0) + 1}")
                continue
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield (
                    line_no,
                    offset,
                    body,
                    "",
                    None,
                    LineError("invalid_utf8", f"invalid UTF-8 at byte {exc.start + 1}"),
                )
                continue
            if csv_mode:
                try:
                    values = next(csv.reader([text], strict=True))
                except csv.Error as exc:
                    yield line_no, offset, body, text, None, LineError("malformed_csv", str(exc))
                    continue
                if header is None:
                    header = [h.strip().lower() for h in values]
                    continue
                if len(values) != len(header):
                    yield (
                        line_no,
                        offset,
                        body,
                        text,
                        None,
                        LineError("malformed_csv", f"{len(values)} fields, header has {len(header)}"),
                    )
                    continue
                yield line_no, offset, body, text, dict(zip(header, values, strict=True)), None
                continue
            try:
                obj = orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                reason = "truncated_line" if truncated else "malformed_json"
                yield line_no, offset, body, text, None, LineError(reason, str(exc)[:200])
                continue
            if type(obj) is not dict:
                yield (
                    line_no,
                    offset,
                    body,
                    text,
                    None,
                    LineError("not_an_object", f"a JSON {type(obj).__name__}, not an object"),
                )
                continue
            yield line_no, offset, body, text, obj, None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise UserError(f"{path}: cannot read: {exc}") from None
    finally:
        stream.close()


def check_header(path: Path, kind: str) -> None:
    """A CSV file must name the fields the kind needs in its header."""
    if not is_csv(path):
        return
    stream = open_binary(path)
    try:
        first = b""
        for raw in stream:
            if raw.strip():
                first = raw
                break
    finally:
        stream.close()
    if not first:
        return
    header = {h.strip().lower() for h in next(csv.reader([first.decode("utf-8", "replace")]))}
    need = {"text", "city", "created_at"} if kind == "posts" else {"publication_name", "publication_date", "raw_text"}
    missing = sorted(need - header)
    if missing:
        raise UserError(f"{path}: not a {kind} CSV file: its header lacks {', '.join(missing)}")


def read_batches(path: Path, kind: str, batch_size: int) -> Iterator[Batch]:
    """Stream ``path`` as batches of ``batch_size`` lines of ``kind`` (posts or epapers)."""
    import time

    check_header(path, kind)
    make_row = post_row if kind == "posts" else epaper_row
    batch: Batch | None = None
    last_offset = 0
    t0 = time.perf_counter()
    for line_no, offset, raw, text, obj, error in _records(path, is_csv(path)):
        if batch is None:
            batch = Batch(kind, str(path), first_line=line_no, byte_from=last_offset)
            t0 = time.perf_counter()
        if error is None:
            assert obj is not None  # parsed when there is no error
            try:
                row = make_row(obj)
            except LineError as exc:
                error = exc
        if error is None:
            batch.rows.append((line_no, *row))
            batch.raw[line_no] = text
        else:
            keep = raw if error.reason in ("invalid_utf8", "nul_byte") else None
            batch.rejects.append(Reject(line_no, error.reason, error.detail, _show(raw), keep))
        batch.last_line = line_no
        batch.byte_to = offset
        last_offset = offset
        if batch.lines >= batch_size:
            batch.parse_ms = (time.perf_counter() - t0) * 1000
            yield batch
            batch = None
    if batch is not None:
        batch.parse_ms = (time.perf_counter() - t0) * 1000
        yield batch
