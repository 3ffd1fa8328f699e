"""Bulk ingestion: stream files → COPY into ingest staging → set-based merge, one transaction per
batch, several batches at once on separate connections.

The reading thread parses lines into batches (bounded queue: memory does not grow with the file);
each worker thread owns a connection and, per batch, registers the batch's author names in a short
transaction of their own (reference data: concurrent batches must not wait on each other's new
names), then in ONE transaction: registers the batch,
COPYs its rows into ``ingest.staging_post``/``staging_epaper``, calls the merge function, COPYs the
rejected lines into ``ingest.reject`` and marks the batch committed with its counts. A batch is
therefore fully in or fully out; re-running a file inserts nothing new (fingerprints).
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from .. import console
from ..errors import UserError
from ..postgres.connect import connect, one
from .read import Batch, Reject, file_sha256, read_batches

# staging table, its columns, their types (COPY runs in binary: no text encoding of timestamps
# and fingerprints on either side, about half the COPY cost), the merge function
STAGING = {
    "posts": (
        "ingest.staging_post",
        "(batch_id, line_no, text, author_name, city, emotion, party, created_at, epaper_id, fingerprint)",
        ["int8", "int8", "text", "text", "text", "text", "text", "timestamptz", "int8", "bytea"],
        "ingest.merge_post_batch(%s, %s)",
    ),
    "epapers": (
        "ingest.staging_epaper",
        "(batch_id, line_no, publication_name, publication_date, raw_text, city, party)",
        ["int8", "int8", "text", "date", "text", "text", "text"],
        "ingest.merge_epaper_batch(%s)",
    ),
}


@dataclass
class IngestReport:
    """Counts and timings of one ingest run."""

    files: list[str] = field(default_factory=list)
    batches: int = 0
    lines: int = 0
    inserted: int = 0
    duplicates: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    phase_ms: Counter = field(default_factory=Counter)
    dry_run: bool = False

    def add(self, lines, inserted, duplicates, rejects: list[tuple[int, str]], timings):
        """Count one merged batch."""
        self.batches += 1
        self.lines += lines
        self.inserted += inserted
        self.duplicates += duplicates
        self.rejected += len(rejects)
        self.reasons.update(reason for _, reason in rejects)
        self.phase_ms.update(timings)

    def summary(self) -> str:
        """The run as a one-screen summary."""
        rate = self.lines / self.seconds if self.seconds else 0.0
        head = "DRY RUN (nothing written): " if self.dry_run else ""
        out = [
            f"{head}{len(self.files)} file(s), {self.batches} batch(es), {self.lines} lines in "
            f"{self.seconds:.2f} s ({rate:,.0f} lines/s)",
            f"  inserted   {self.inserted:>10,}",
            f"  duplicates {self.duplicates:>10,}",
            f"  rejected   {self.rejected:>10,}",
        ]
        for reason, n in self.reasons.most_common(8):
            out.append(f"    {reason:<16} {n:>8,}")
        if self.phase_ms:
            phases = ", ".join(f"{k} {v / 1000:.2f}s" for k, v in sorted(self.phase_ms.items()))
            out.append(f"  time in phases (summed over workers): {phases}")
        if self.lines and self.rejected == self.lines:
            out.append("  every line was rejected: is the file in the format its name claims?")
        return "\n".join(out)


def _status(report: IngestReport, seconds: float) -> str:
    return (
        f"{report.lines:,} lines, {report.inserted:,} inserted, {report.rejected:,} rejected, "
        f"{report.lines / max(seconds, 1e-9):,.0f} lines/s"
    )


def _run_batch(
    conn: psycopg.Connection, batch: Batch, sha: str, now: datetime | None, dry_run: bool
) -> tuple[int, int, list[tuple[int, str]], dict]:
    table, columns, types, merge = STAGING[batch.kind]
    timings: dict[str, float] = {"parse": batch.parse_ms}
    if batch.kind == "posts" and not dry_run:
        # author names first, committed on their own: two batches naming the same new author
        # would otherwise wait for each other's whole transaction (ingest.register_authors)
        t = time.perf_counter()
        conn.execute("select ingest.register_authors(%b)", [list({r[2] for r in batch.rows if r[2]})])
        timings["authors"] = (time.perf_counter() - t) * 1000
    with conn.transaction(force_rollback=dry_run):
        t = time.perf_counter()
        batch_id = conn.execute(
            "insert into ingest.batch (kind, source_file, source_sha256, first_line, last_line,"
            " byte_from, byte_to, lines_read, dry_run) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " returning batch_id",
            [
                batch.kind,
                batch.source,
                sha,
                batch.first_line,
                batch.last_line,
                batch.byte_from,
                batch.byte_to,
                batch.lines,
                dry_run,
            ],
        ).fetchone()[0]
        with conn.cursor() as cur, cur.copy(f"copy {table} {columns} from stdin (format binary)") as copy:
            copy.set_types(types)
            for row in batch.rows:
                copy.write_row((batch_id, *row))
        timings["copy"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        args = [batch_id, now or datetime.now().astimezone()] if batch.kind == "posts" else [batch_id]
        sql_rejects = conn.execute(f"select line_no, reason_code, detail from {merge}", args).fetchall()
        timings["merge"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        rejects: list[Reject] = list(batch.rejects)
        rejects += [Reject(ln, reason, detail, batch.raw[ln]) for ln, reason, detail in sql_rejects]
        if rejects:
            with (
                conn.cursor() as cur,
                cur.copy(
                    "copy ingest.reject (batch_id, line_no, reason_code, detail, raw_line, raw_bytes) from stdin"
                ) as copy,
            ):
                for r in rejects:
                    copy.write_row((batch_id, r.line_no, r.reason, r.detail, r.raw_line, r.raw_bytes))
        inserted, duplicates = one(
            conn.execute(
                "update ingest.batch set rejected = %s, status = 'committed', finished_at = clock_timestamp(),"
                " timings = %s where batch_id = %s returning inserted, duplicates",
                [len(rejects), Jsonb({k: round(v, 1) for k, v in timings.items()}), batch_id],
            )
        )
        timings["reject"] = (time.perf_counter() - t) * 1000
    return inserted, duplicates, [(r.line_no, r.reason) for r in rejects], timings


def _record_failure(url: str, batch: Batch, sha: str, error: str) -> None:
    try:
        with connect(url, autocommit=True) as conn:
            conn.execute(
                "insert into ingest.batch (kind, source_file, source_sha256, first_line, last_line,"
                " byte_from, byte_to, lines_read, status, finished_at, error) values"
                " (%s, %s, %s, %s, %s, %s, %s, %s, 'failed', clock_timestamp(), %s)",
                [
                    batch.kind,
                    batch.source,
                    sha,
                    batch.first_line,
                    batch.last_line,
                    batch.byte_from,
                    batch.byte_to,
                    batch.lines,
                    error[:2000],
                ],
            )
    except Exception:  # noqa: BLE001 - best effort: the server may be the thing that failed
        pass


def ingest_files(
    url: str,
    paths: list[Path | str],
    kind: str = "posts",
    *,
    workers: int | None = None,
    batch_size: int = 20_000,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: bool | None = None,
) -> IngestReport:
    """Ingest ``paths`` (posts or e-papers) into ``url`` in batches merged by ``workers``
    connections; returns the counts. ``progress``: None shows a live bar on a terminal only,
    True also prints plain progress lines elsewhere, False shows nothing."""
    if kind not in STAGING:
        raise UserError(f"unknown kind {kind!r} (posts or epapers)")
    if batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    workers = max(1, workers or os.cpu_count() or 1)
    files = [Path(p) for p in paths]
    for f in files:
        if not f.is_file():
            raise UserError(f"{f}: no such file")
    report = IngestReport(files=[str(f) for f in files], dry_run=dry_run)
    bar = console.Progress(
        f"ingest {kind}", total=None, enabled=progress is not False and (progress is True or console.is_terminal())
    )
    jobs: queue.Queue = queue.Queue(maxsize=workers)
    lock = threading.Lock()
    errors: list[BaseException] = []
    conns = [connect(url, autocommit=True) for _ in range(workers)]

    def work(conn: psycopg.Connection) -> None:
        while True:
            item = jobs.get()
            if item is None:
                return
            batch, sha = item
            if errors:
                continue
            try:
                result = _run_batch(conn, batch, sha, now, dry_run)
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                with lock:
                    errors.append(exc)
                if not dry_run:
                    _record_failure(url, batch, sha, str(exc))
                continue
            with lock:
                report.add(batch.lines, *result)
                bar.update(report.lines, status=_status(report, time.perf_counter() - t0))

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in conns]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    with bar:
        try:
            for f in files:
                sha = file_sha256(f)
                for batch in read_batches(f, kind, batch_size):
                    if errors:
                        break
                    jobs.put((batch, sha))
        finally:
            for _ in threads:
                jobs.put(None)
            for t in threads:
                t.join()
            for c in conns:
                c.close()
    report.seconds = time.perf_counter() - t0
    if errors:
        exc = errors[0]
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(
            f"ingest stopped: {msg} (committed batches stay; re-run to finish: what is already stored is skipped)"
        ) from exc
    return report
