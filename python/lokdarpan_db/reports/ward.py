"""The ward intelligence report: what the ward API functions say about one ward."""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg

from ..errors import UserError
from ..postgres.connect import connect

TIMELINE_DAYS = 14


@dataclass
class WardReport:
    """One ward's intelligence summary, party competition and recent sentiment timeline."""

    ward: str
    days: int
    summary: list[tuple[str, object]]  # (column, value) of get_ward_intelligence_fast
    party_columns: list[str]
    parties: list[tuple] = field(default_factory=list)
    timeline_columns: list[str] = field(default_factory=lambda: ["day", "posts", "positive", "negative", "avg"])
    timeline: list[tuple] = field(default_factory=list)


def ward_report(url: str, ward: str, days: int = 30) -> WardReport:
    """Read the report of ``ward`` over the last ``days`` days; an unknown ward (with the nearest
    names) or a database without the analytics module is a ``UserError``."""
    with connect(url) as conn:
        try:
            intel = conn.execute("select * from analytics.get_ward_intelligence_fast(%s, %s)", [ward, days])
            cols = [d.name for d in intel.description or []]
            row = intel.fetchone() or ()
            comp = conn.execute("select * from analytics.get_ward_competitive_analysis(%s, %s)", [ward, days])
            comp_cols = [d.name for d in comp.description or []]
            comp_rows = comp.fetchall()
            line_rows = conn.execute(
                "select day, total_posts, positive, negative, avg_sentiment"
                " from analytics.get_ward_sentiment_timeline(%s, %s)",
                [ward, min(days, TIMELINE_DAYS)],
            ).fetchall()
        except psycopg.errors.NoDataFound as exc:
            hint = exc.diag.message_hint or ""
            raise UserError(f"{exc.diag.message_primary} ({hint})") from None
        except psycopg.errors.UndefinedFunction:
            raise UserError("the analytics module is not deployed here (lokdarpan-db deploy)") from None
    return WardReport(
        ward=str(row[0]),
        days=days,
        summary=list(zip(cols[1:], row[1:], strict=True)),
        party_columns=comp_cols,
        parties=comp_rows,
        timeline=line_rows,
    )
