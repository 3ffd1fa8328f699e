"""The SQLite value converters against plain-Python oracles: a value written in any of the
accepted shapes reads back as the value that was written."""

from __future__ import annotations

import datetime as dt
import email.utils

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lokdarpan_db.importers import sqlite_types as t

UTC = dt.UTC
instants = st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2199, 12, 31),
                        timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0))


@settings(max_examples=50, deadline=None)
@given(instants, st.sampled_from(["iso_t", "iso_space", "iso_z", "iso_offset", "rfc2822",
                                  "epoch", "epoch_ms", "epoch_text", "epoch_float"]))
def test_timestamps_in_every_accepted_shape(d, shape):
    offset = dt.timezone(dt.timedelta(hours=5, minutes=30))
    text = {
        "iso_t": d.replace(tzinfo=None).isoformat(),  # naive: read as UTC
        "iso_space": d.replace(tzinfo=None).isoformat(sep=" "),
        "iso_z": d.replace(tzinfo=None).isoformat() + "Z",
        "iso_offset": d.astimezone(offset).isoformat(),
        "rfc2822": email.utils.format_datetime(d, usegmt=True),
        "epoch": int(d.timestamp()),
        "epoch_ms": int(d.timestamp()) * 1000,
        "epoch_text": str(int(d.timestamp())),
        "epoch_float": d.timestamp() + 0.5,
    }[shape]
    # 8-digit strings read as YYYYMMDD, so epoch text is 9+ digits (from 1973-03-03 on)
    assume(shape != "epoch_text" or d.timestamp() >= 1e8)
    want = d + dt.timedelta(seconds=0.5) if shape == "epoch_float" else d
    assert t.to_timestamp(text) == want
    assert t.to_timestamp(text.encode() if isinstance(text, str) else text) == want


@settings(max_examples=50, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
       st.sampled_from(["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%B %d, %Y", "%d %b %Y", "%Y/%m/%d"]))
def test_dates_day_first_and_worded(day, fmt):
    assert t.to_timestamp(day.strftime(fmt)) == dt.datetime(day.year, day.month, day.day,
                                                            tzinfo=UTC)


def test_compact_dates_and_epoch_boundaries():
    assert t.to_timestamp("20240305") == dt.datetime(2024, 3, 5, tzinfo=UTC)
    with pytest.raises(t.BadValue, match="out of range"):
        t.to_timestamp(9_999_999_999)  # seconds: year 2286
    assert t.to_timestamp(10_000_000_000) == dt.datetime(1970, 4, 26, 17, 46, 40, tzinfo=UTC)
    assert t.to_timestamp("1709633400") == dt.datetime(2024, 3, 5, 10, 10, tzinfo=UTC)
    assert t.to_timestamp(1709633400123) == dt.datetime(2024, 3, 5, 10, 10, 0, 123000, tzinfo=UTC)


def test_month_first_only_when_day_first_is_impossible():
    assert t.to_timestamp("05/03/2024").month == 3
    assert t.to_timestamp("12/31/2024") == dt.datetime(2024, 12, 31, tzinfo=UTC)
    for bad in ["31/31/2024", "soon", "2024-02-30", "1850-01-01", float("nan"), "", None]:
        if bad in ("", None):
            assert t.to_timestamp(bad) is None
        else:
            with pytest.raises(t.BadValue):
                t.to_timestamp(bad)


@settings(max_examples=50, deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 2)),
       st.sampled_from(["plain", "spaced", "percent", "thousands", "bytes"]))
def test_numbers_written_as_text(x, shape):
    text = {"plain": repr(x), "spaced": f"  {x!r} ", "percent": f"{x!r}%",
            "thousands": f"{x:,.2f}", "bytes": repr(x).encode()}[shape]
    assert t.to_float(text) == pytest.approx(x, abs=0.005)


def test_number_edge_cases():
    assert t.to_float("0,75") == 0.75
    assert t.to_float(7) == 7.0 and t.to_float("") is None and t.to_float(None) is None
    assert t.to_int("3") == 3 and t.to_int(3.0) == 3
    for bad in ["high", "nan", "inf", float("inf"), "1,2,3"]:
        with pytest.raises(t.BadValue):
            t.to_float(bad)
    with pytest.raises(t.BadValue):
        t.to_int(3.5)
    with pytest.raises(t.BadValue):
        t.to_score(100.5)


@given(st.sampled_from([(1, True), (0, False), ("1", True), ("0", False), ("TRUE", True),
                        ("false", False), (" yes ", True), ("No", False), ("t", True),
                        ("F", False), ("on", True), ("off", False), (None, None), ("", None),
                        (b"true", True), (1.0, True)]))
def test_booleans(case):
    value, want = case
    assert t.to_bool(value) is want


def test_bad_booleans():
    for bad in ["maybe", 2, -1, "10"]:
        with pytest.raises(t.BadValue):
            t.to_bool(bad)


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=0, max_size=30))
def test_text_round_trips_utf8_and_drops_nul(s):
    c = t.Counters()
    assert t.to_text(s.encode("utf-8"), c) == s.replace("\x00", "")
    assert c.recoded == 0 and c.nul_removed == int("\x00" in s)


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0xA0, max_codepoint=0xFF), min_size=1,
               max_size=20))
def test_latin1_text_is_recovered(s):
    raw = s.encode("latin-1")
    try:
        raw.decode("utf-8")
        assume(False)  # bytes that are also valid UTF-8 are read as UTF-8 (ambiguous by nature)
    except UnicodeDecodeError:
        pass
    c = t.Counters()
    assert t.to_text(s.encode("latin-1"), c) == s
    assert c.recoded == 1


def test_tags_and_json_and_status():
    assert t.to_tags("a, b,,c ") == ["a", "b", "c"]
    assert t.to_tags('["x", " y "]') == ["x", "y"]
    assert t.to_tags(None) == [] and t.to_tags(5) == ["5"]
    assert t.to_json('{"a": [1, "b\\u0000"]}') == {"a": [1, "b"]}
    assert t.to_json("") is None
    for bad in ["{x", "NaN"]:
        with pytest.raises(t.BadValue):
            t.to_json(bad)
    assert t.to_ingest_status(" Done ") == "completed"
    assert t.to_ingest_status(None) == "pending"
    with pytest.raises(t.BadValue):
        t.to_ingest_status("exploded")
    with pytest.raises(t.BadValue):
        t.to_text(t.Blob(b"\x00"))
