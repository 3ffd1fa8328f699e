"""report WARD: the ward intelligence report (the API functions, formatted for a terminal)."""

from __future__ import annotations

import psycopg

from ..errors import UserError
from ..postgres.connect import connect, resolve_url
from . import logger, out


def _table(headers: list[str], rows: list[tuple]) -> str:
    cells = [[("" if v is None else str(v)) for v in r] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])


def ward_report(url: str, ward: str, days: int = 30) -> str:
    with connect(url) as conn:
        try:
            intel = conn.execute("select * from analytics.get_ward_intelligence_fast(%s, %s)", [ward, days])
            cols = [d.name for d in intel.description]
            row = intel.fetchone()
            comp = conn.execute("select * from analytics.get_ward_competitive_analysis(%s, %s)", [ward, days])
            comp_cols = [d.name for d in comp.description]
            comp_rows = comp.fetchall()
            line = conn.execute("select day, total_posts, positive, negative, avg_sentiment"
                                " from analytics.get_ward_sentiment_timeline(%s, %s)", [ward, min(days, 14)])
            line_rows = line.fetchall()
        except psycopg.errors.NoDataFound as exc:
            hint = exc.diag.message_hint or ""
            raise UserError(f"{exc.diag.message_primary} ({hint})") from None
        except psycopg.errors.UndefinedFunction:
            raise UserError("the analytics module is not deployed here (lokdarpan-db deploy)") from None
    parts = [f"Ward report: {row[0]} (last {days} days)", ""]
    parts += [f"  {c:<20} {v}" for c, v in zip(cols[1:], row[1:], strict=True)]
    parts += ["", "Parties", _table(comp_cols, comp_rows) if comp_rows else "  (no party mentions)"]
    parts += ["", "Sentiment, last 14 days", _table(["day", "posts", "positive", "negative", "avg"], line_rows)]
    return "\n".join(parts)


def cmd_report(args) -> int:
    url = resolve_url(args.db, log=logger(args))
    out(args, ward_report(url, args.ward, args.days))
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("report", parents=[common], help="print the intelligence report of a ward")
    p.add_argument("ward", help="ward name (case and spaces ignored), e.g. 'Jubilee Hills'")
    p.add_argument("--days", type=int, default=30)
    p.set_defaults(func=cmd_report)
