"""Turning SQLite's loosely typed values into PostgreSQL's: every converter takes what the
``sqlite3`` module returns for one cell (None, int, float, bytes for TEXT read as bytes, or a
``Blob`` for a BLOB cell) and returns the Python value to COPY, or raises ``BadValue`` with a
short reason. Decisions (also in docs/content.md):

* Text: UTF-8; when the bytes are not UTF-8, cp1252, then latin-1 (never fails) — the value is
  kept and the recoding is counted. NUL characters (PostgreSQL text cannot hold them) are
  removed and counted. A number in a text column becomes its decimal text. A BLOB is refused.
* Timestamps: ISO 8601 (date, date time, T, fractions, Z or offsets), RFC 2822
  (``Tue, 05 Mar 2024 10:00:00 GMT``), day-first slash and dash dates (``05/03/2024`` is 5 March;
  month-first only when the day-first reading is impossible, ``12/31/2024``), ``March 5, 2024``,
  ``5 March 2024``, ``20240305``, and Unix epochs in seconds or milliseconds (numbers, or digit
  strings of 9 to 14 digits; an absolute value of 1e10 or more is milliseconds).
  Naive times are UTC. Years outside 1900-2200 are refused.
* Booleans: 0/1 and true/false, t/f, yes/no, y/n, on/off in any case; anything else is refused.
* Numbers: ints, floats, and text like `` 7.5 ``, ``80%`` (80), ``1,234.5``, ``0,75`` (decimal
  comma); NaN and infinities are refused.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import math
import re

UTC = dt.UTC


class BadValue(ValueError):
    """A source value that cannot be mapped onto its column."""

    pass


class Blob(bytes):
    """A cell whose SQLite storage class is BLOB (not TEXT)."""


class Counters:
    """How many text values were recoded or had NUL characters removed."""

    def __init__(self) -> None:
        self.recoded = 0  # text values that were not UTF-8
        self.nul_removed = 0  # text values that held NUL characters


def decode(raw: bytes, counters: Counters | None = None) -> str:
    """Bytes as text: UTF-8, else cp1252, else latin-1; NUL characters removed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if counters:
            counters.recoded += 1
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    if "\x00" in text:
        if counters:
            counters.nul_removed += 1
        text = text.replace("\x00", "")
    return text


def to_text(v, counters: Counters | None = None) -> str | None:
    """A cell as text (None stays None)."""
    if v is None:
        return None
    if isinstance(v, Blob):
        raise BadValue("binary value (BLOB) where text was expected")
    if isinstance(v, bytes):
        return decode(v, counters)
    if isinstance(v, float):
        if not math.isfinite(v):
            return str(v)
        return repr(v)
    return str(v)


def _as_str(v) -> str | None:
    if isinstance(v, Blob):
        raise BadValue("binary value (BLOB) where a value was expected")
    if isinstance(v, bytes):
        return decode(v)
    return v


_SLASH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_WORDY = [
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%B %d, %Y %H:%M",
    "%b %d, %Y %H:%M",
]


def _epoch(x: float) -> dt.datetime:
    # 1e10 seconds is in year 2286, beyond the accepted range, while 1e10 milliseconds is
    # 1970-04-26: from there on a number is milliseconds, without ambiguity
    if abs(x) >= 1e10:
        x = x / 1000.0
    return dt.datetime.fromtimestamp(x, UTC)


def to_timestamp(v) -> dt.datetime | None:
    """A cell as an aware UTC timestamp: epoch seconds or milliseconds, ISO 8601, RFC 2822 and common date texts."""
    v = _as_str(v)
    if v is None:
        return None
    if isinstance(v, bool):
        raise BadValue(f"not a date: {v!r}")
    if isinstance(v, (int, float)):
        if not math.isfinite(v):
            raise BadValue(f"not a date: {v!r}")
        result = _epoch(float(v))
    else:
        s = v.strip()
        if not s:
            return None
        result = _parse_text_date(s)
    if result.tzinfo is None:
        result = result.replace(tzinfo=UTC)
    if not 1900 <= result.astimezone(UTC).year <= 2200:
        raise BadValue(f"date out of range (1900-2200): {v!r}")
    return result


def _parse_text_date(s: str) -> dt.datetime:
    if re.fullmatch(r"-?\d{9,14}(\.\d+)?", s):
        return _epoch(float(s))
    iso = s[:-1] + "+00:00" if s.endswith(("Z", "z")) else s
    try:
        return dt.datetime.fromisoformat(iso)
    except ValueError:
        pass
    m = _SLASH.match(s)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, month = (a, b) if b <= 12 else (b, a)  # day-first unless impossible
        hh, mm, ss = (int(m.group(i) or 0) for i in (4, 5, 6))
        try:
            return dt.datetime(year, month, day, hh, mm, ss)
        except ValueError:
            raise BadValue(f"not a date: {s!r}") from None
    if "," in s[:5] or re.search(r"\d{2}:\d{2}(:\d{2})? ([+-]\d{4}|GMT|UTC|[A-Z]{3})$", s):
        try:
            return email.utils.parsedate_to_datetime(s)
        except (TypeError, ValueError):
            pass
    for fmt in _WORDY:
        try:
            return dt.datetime.strptime(s, fmt)
        except ValueError:
            continue
    raise BadValue(f"not a date: {s!r}")


_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}


def to_bool(v) -> bool | None:
    """A cell as a boolean (1/0, true/false, yes/no, ...)."""
    v = _as_str(v)
    if v is None:
        return None
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    if isinstance(v, str):
        s = v.strip().lower()
        if s == "":
            return None
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
    raise BadValue(f"not a boolean: {v!r}")


def to_float(v) -> float | None:
    """A cell as a finite number."""
    v = _as_str(v)
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        x = float(v)
    else:
        s = str(v).strip().replace("\u00a0", "").replace(" ", "")
        if s == "":
            return None
        s = s.removesuffix("%")
        if s.count(",") == 1 and "." not in s and re.fullmatch(r"[-+]?\d+,\d{1,2}", s):
            s = s.replace(",", ".")  # decimal comma (0,75)
        elif re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", s):
            s = s.replace(",", "")  # thousands separators
        try:
            x = float(s)
        except ValueError:
            raise BadValue(f"not a number: {v!r}") from None
    if not math.isfinite(x):
        raise BadValue(f"not a finite number: {v!r}")
    return x


def to_score(v) -> float | None:
    """A cell as a number from 0 to 100."""
    x = to_float(v)
    if x is not None and not 0 <= x <= 100:
        raise BadValue(f"score out of range 0-100: {v!r}")
    return x


def to_int(v) -> int | None:
    """A cell as a 64-bit integer."""
    x = to_float(v)
    if x is None:
        return None
    if x != int(x) or abs(x) >= 2**63:
        raise BadValue(f"not an integer: {v!r}")
    return int(x)


def to_tags(v, counters: Counters | None = None) -> list[str]:
    """A cell as a list of tags (a JSON array or comma-separated text)."""
    s = to_text(v, counters)
    if s is None or not s.strip():
        return []
    s = s.strip()
    if s.startswith("["):
        try:
            items = json.loads(s)
            if isinstance(items, list):
                return [str(i).strip() for i in items if str(i).strip()]
        except ValueError:
            pass
    return [t.strip() for t in s.split(",") if t.strip()]


def _strip_nul(obj):
    if isinstance(obj, str):
        return obj.replace("\x00", "")
    if isinstance(obj, list):
        return [_strip_nul(x) for x in obj]
    if isinstance(obj, dict):
        return {_strip_nul(k): _strip_nul(x) for k, x in obj.items()}
    return obj


def to_json(v, counters: Counters | None = None):
    """A cell as parsed JSON (NaN and Infinity refused, NUL characters removed)."""
    s = to_text(v, counters)
    if s is None or not s.strip():
        return None
    try:
        obj = json.loads(s, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except ValueError:
        raise BadValue(f"not JSON: {s[:40]!r}") from None
    return _strip_nul(obj)


_STATUS_ALIASES = {
    "": "pending",
    "new": "pending",
    "queued": "pending",
    "pending": "pending",
    "processing": "processing",
    "in_progress": "processing",
    "running": "processing",
    "completed": "completed",
    "complete": "completed",
    "done": "completed",
    "success": "completed",
    "ok": "completed",
    "failed": "failed",
    "error": "failed",
    "failure": "failed",
    "skipped": "skipped",
    "skip": "skipped",
    "ignored": "skipped",
}


def to_ingest_status(v, counters: Counters | None = None) -> str:
    """A cell as one of pending, processing, completed, failed, skipped (aliases mapped)."""
    s = to_text(v, counters)
    key = (s or "").strip().lower().replace(" ", "_").replace("-", "_")
    if key not in _STATUS_ALIASES:
        raise BadValue(f"unknown ingest_status: {s!r}")
    return _STATUS_ALIASES[key]


def json_safe(v):
    """A source cell as JSON for the reject table: text as decoded when it is UTF-8, anything
    else as {"$bytes_hex": ...}; non-finite floats as text."""
    if isinstance(v, bytes):
        if not isinstance(v, Blob):
            try:
                text = v.decode("utf-8")
                if "\x00" not in text:
                    return text
            except UnicodeDecodeError:
                pass
        return {"$bytes_hex": v.hex()}
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v
