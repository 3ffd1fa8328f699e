"""Write a benchmark's section of BENCHMARKS.md (between markers), leaving the others alone."""

from __future__ import annotations

import fcntl
import os
import platform
import re
from pathlib import Path


def machine_description() -> str:
    """One line describing this machine: cores, CPU model, memory, kernel."""
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}"


def write_section(path: Path, name: str, markdown: str) -> None:
    """Replace (or append) the block between <!-- bench:NAME --> and <!-- /bench:NAME -->."""
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    path = Path(path)
    with open(path, "a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        text = fh.read() or "# Benchmarks\n\nWritten by `lokdarpan-db bench ...`; medians of repeated runs.\n"
        if begin in text:
            text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: block, text, flags=re.S)
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
        fh.seek(0)
        fh.truncate()
        fh.write(text)
