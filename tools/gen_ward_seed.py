"""Write the ward rows of sql/deploy/core/ward.sql from data/ghmc_wards.tsv.

The deploy script must carry the data itself (it has to run under sqitch/psql and psycopg alike,
so no \\copy); this generator keeps it identical to the data file, and a static test checks that.
Run: python tools/gen_ward_seed.py  (rewrites the block between the seed markers).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "-- seed: begin (generated from data/ghmc_wards.tsv)", "-- seed: end"


def rows() -> list[tuple[int, str]]:
    with open(ROOT / "data" / "ghmc_wards.tsv", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        return [(int(r["ward_no"]), r["ward_name"].strip()) for r in reader]


def seed_sql() -> str:
    values = ",\n".join(f"    ({no}, '{name.replace(chr(39), chr(39) * 2)}')" for no, name in rows())
    return f"{BEGIN}\ninsert into core.ward (ward_no, ward_name) values\n{values};\n{END}"


def main() -> int:
    path = ROOT / "sql" / "deploy" / "core" / "ward.sql"
    text = path.read_text()
    new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda m: seed_sql(), text, flags=re.S)
    path.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
