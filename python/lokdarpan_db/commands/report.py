"""report WARD: the ward intelligence report (the API functions, formatted for a terminal)."""

from __future__ import annotations

from ..console import out, print_table
from ..postgres.connect import resolve_url
from ..reports.ward import TIMELINE_DAYS, WardReport, ward_report
from . import logger


def show(report: WardReport) -> None:
    """Print the report: the summary, then the parties and the sentiment timeline as tables."""
    out(f"Ward report: {report.ward} (last {report.days} days)\n")
    out("\n".join(f"  {c:<20} {v}" for c, v in report.summary))
    out()
    if report.parties:
        print_table(report.party_columns, report.parties, title="Parties")
    else:
        out("Parties\n  (no party mentions)")
    out()
    print_table(report.timeline_columns, report.timeline, title=f"Sentiment, last {TIMELINE_DAYS} days")


def cmd_report(args) -> int:
    """Print the report of one ward."""
    url = resolve_url(args.db, log=logger(args))
    show(ward_report(url, args.ward, args.days))
    return 0


def register(sub, common) -> None:
    """Add the report command."""
    p = sub.add_parser("report", parents=[common], help="print the intelligence report of a ward")
    p.add_argument("ward", help="ward name (case and spaces ignored), e.g. 'Jubilee Hills'")
    p.add_argument("--days", type=int, default=30)
    p.set_defaults(func=cmd_report)
