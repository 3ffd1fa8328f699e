"""The compatibility views' lookup indexes, built online before cutover's switch.

``adopt.compat_lookup_indexes()`` names an expression index per lookup the application sends
through the compatibility views (by id; a post by ``epaper_id``; an author by ``name``; a ward's
newest posts by ``city`` and ``created_at``), keyed on the views' own column expressions so the
planner matches them: on the core table for the rows without legacy values, on adopt.mapping
(partial) for the view's arms of rows whose mapping holds the looked-up value. Built with ``CREATE INDEX CONCURRENTLY`` (SHARE UPDATE EXCLUSIVE: the
application's reads and writes go on); on a partitioned table (core.post) the recipe PostgreSQL
needs for that: the parent's index ``ON ONLY`` (SHARE on the parent alone, a moment, under the
lock ramp), one concurrent build per partition, each attached. Idempotent and resumable: an
index an interrupted build left invalid is dropped (concurrently) and built again; what exists
is kept, so a cutover run again after a failure goes on where it stopped. Each table or partition
that gets a new index is analyzed (a sample; SHARE UPDATE EXCLUSIVE as well): the planner's
statistics of an index expression come from ANALYZE, and without them it takes a lookup by id
for a thousand rows and picks the wrong arm of the view to drive from. New monthly partitions
get the indexes from the parent. The indexes stay after rollback (a later cutover reuses them)
and go with the revert of the ``adopt/cutover`` rework.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from psycopg import sql

# listed first and built alone: listing the others probes it for the mapping's column sets
KEYS_INDEX = "ix_mapping__compat_keys"

LOOKUP_INDEXES = """
select x.on_table::text, n.nspname, x.index_name, x.key_sql, x.predicate, c.relkind
  from adopt.compat_lookup_indexes() x
  join pg_catalog.pg_class c on c.oid = x.on_table
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
"""

# the leaf partitions of a table whose index does not yet hang under the parent's index
UNCOVERED = """
select p.oid::regclass::text, p.relname
  from pg_catalog.pg_inherits i
  join pg_catalog.pg_class p on p.oid = i.inhrelid and p.relkind = 'r'
 where i.inhparent = %(table)s::regclass
   and not exists (select 1
                     from pg_catalog.pg_inherits ii
                     join pg_catalog.pg_index x on x.indexrelid = ii.inhrelid
                    where ii.inhparent = to_regclass(%(parent)s) and x.indrelid = p.oid)
 order by p.relname
"""


def _drop_invalid(conn, schema: str, name: str) -> None:
    """Drop the index ``schema.name`` if an interrupted concurrent build left it invalid."""
    invalid = conn.execute(
        "select exists (select 1 from pg_catalog.pg_index i where i.indexrelid = to_regclass(%s) and not i.indisvalid)",
        [f'{schema}."{name}"'],
    ).fetchone()[0]
    if invalid:
        conn.execute(sql.SQL("drop index concurrently if exists {}").format(sql.Identifier(schema, name)))


def _one(conn, ramp_ddl: Callable[[str, str], object], row: tuple) -> str:
    """Build one lookup index unless present; returns what happened."""
    table, schema, name, key, predicate, relkind = row
    where = f" where {predicate}" if predicate else ""
    t0 = time.monotonic()
    built = 0
    if relkind == "p":
        parent = f'{schema}."{name}"'
        ramp_ddl(f'create index if not exists "{name}" on only {table} ({key}){where}', f"index {name} on only {table}")
        suffix = name.split("__compat_", 1)[1]
        for part, relname in conn.execute(UNCOVERED, {"table": table, "parent": parent}).fetchall():
            child = f"{relname}__compat_{suffix}"
            _drop_invalid(conn, schema, child)
            conn.execute(f'create index concurrently if not exists "{child}" on {part} ({key}){where}')
            conn.execute(f"analyze {part}")
            ramp_ddl(f'alter index {parent} attach partition {schema}."{child}"', f"attach of {child}")
            built += 1
    else:
        _drop_invalid(conn, schema, name)
        exists = conn.execute("select to_regclass(%s) is not null", [f'{schema}."{name}"']).fetchone()[0]
        if not exists:
            conn.execute(f'create index concurrently if not exists "{name}" on {table} ({key}){where}')
            conn.execute(f"analyze {table}")
            built = 1
    if not built:
        return f"lookup index {schema}.{name} on {table}: present"
    parts = f" ({built} partitions)" if relkind == "p" else ""
    return f"lookup index {schema}.{name} on {table} ({key}): built in {time.monotonic() - t0:.1f} s{parts}"


def build(conn, ramp_ddl: Callable[[str, str], object], log: Callable[[str], None] = lambda m: None) -> list[str]:
    """Build every missing lookup index on an autocommit connection; ``ramp_ddl(statement, what)``
    runs a statement that needs a table lock under the lock ramp. Returns one message per index."""
    messages: list[str] = []

    def each(rows: list[tuple]) -> None:
        for r in rows:
            messages.append(_one(conn, ramp_ddl, r))
            log(messages[-1])

    # KEYS_INDEX first, then the list again (without it, a pass over the whole mapping per set)
    rows = conn.execute(LOOKUP_INDEXES).fetchall()
    first = [r for r in rows if r[2] == KEYS_INDEX]
    each(first)
    each([r for r in (conn.execute(LOOKUP_INDEXES).fetchall() if first else rows) if r[2] != KEYS_INDEX])
    return messages
