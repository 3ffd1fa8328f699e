"""Append a change to sqitch.plan: python tools/plan_add.py NAME [-r DEP]... -n NOTE

Like `sqitch add` without writing script templates. Appends under an exclusive file lock, so
several people (or processes) adding changes at once never lose a line.
"""

from __future__ import annotations

import argparse
import datetime
import fcntl
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLANNER = "LokDarpan DB <db@lokdarpan.invalid>"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("-r", "--requires", action="append", default=[])
    ap.add_argument("-n", "--note", required=True)
    args = ap.parse_args()
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    deps = f" [{' '.join(args.requires)}]" if args.requires else ""
    line = f"{args.name}{deps} {now} {PLANNER} # {args.note}\n"
    plan = ROOT / "sqitch.plan"
    with open(plan, "a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        names = [ln.split()[0] for ln in fh.read().splitlines()
                 if ln.strip() and ln[0] not in "%#@"]
        if args.name in names:
            print(f"{args.name} is already in the plan (rework it instead)", file=sys.stderr)
            return 1
        fh.seek(0, 2)
        fh.write(line)
    print(line, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
