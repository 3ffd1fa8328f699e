"""report WARD: the ward intelligence report (the API functions, formatted for a terminal)."""

from __future__ import annotations

from ..postgres.connect import resolve_url
from ..reports.ward import WardReport, ward_report
from . import logger, out


def _table(headers: list[str], rows: list[tuple]) -> str:
    cells = [[("" if v is None else str(v)) for v in r] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])


def render(report: WardReport) -> str:
    """The report as plain text."""
    parts = [f"Ward report: {report.ward} (last {report.days} days)", ""]
    parts += [f"  {c:<20} {v}" for c, v in report.summary]
    parts += ["", "Parties", _table(report.party_columns, report.parties) if report.parties else "  (no party mentions)"]
    parts += ["", "Sentiment, last 14 days", _table(report.timeline_columns, report.timeline)]
    return "\n".join(parts)


def cmd_report(args) -> int:
    """Print the report of one ward."""
    url = resolve_url(args.db, log=logger(args))
    out(args, render(ward_report(url, args.ward, args.days)))
    return 0


def register(sub, common) -> None:
    """Add the report command."""
    p = sub.add_parser("report", parents=[common], help="print the intelligence report of a ward")
    p.add_argument("ward", help="ward name (case and spaces ignored), e.g. 'Jubilee Hills'")
    p.add_argument("--days", type=int, default=30)
    p.set_defaults(func=cmd_report)
