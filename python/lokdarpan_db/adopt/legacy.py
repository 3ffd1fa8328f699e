"""What the legacy application database holds: its tables, their counts and sequences, the
Alembic revision, where each legacy column goes, the objects that depend on the legacy tables,
name clashes with this package, and the server's TimeZone. Read-only: catalog queries and counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from psycopg import sql

# The tables adoption takes over, in key order (referenced tables first).
TABLES: tuple[str, ...] = ("user", "author", "epaper", "post", "alert")
KEY_ORDER: dict[str, int] = {t: n for n, t in enumerate(TABLES, 1)}

# Where each legacy column goes. legacy_extra = adopt.mapping.legacy_extra (jsonb, by column name).
COLUMNS: dict[str, dict[str, str]] = {
    "user": {
        "id": "core.app_user.user_id (kept)",
        "username": "core.app_user.username (trimmed; the raw value in legacy_extra when it had blanks)",
        "email": "core.app_user.email",
        "password_hash": "core.app_user.password_hash",
        "created_at": "core.app_user.created_at (naive, read in --legacy-timezone)",
        "last_login": "core.app_user.last_login_at (naive, read in --legacy-timezone)",
        "is_active": "core.app_user.is_active",
        "failed_login_attempts": "core.app_user.failed_login_count",
        "last_failed_login": "legacy_extra (core has no column)",
    },
    "author": {
        "id": "core.author.author_id (kept)",
        "name": "core.author.name (trimmed; the raw value in legacy_extra when it had blanks)",
        "party": "legacy_extra (core.author has no party)",
    },
    "epaper": {
        "id": "core.epaper.epaper_id (kept; a duplicate raw text maps to the e-paper holding it)",
        "publication_name": "core.epaper.publication_name",
        "publication_date": "core.epaper.publication_date",
        "raw_text": "core.epaper.raw_text (core.epaper.raw_text_sha256 is computed from it)",
        "created_at": "core.epaper.created_at (NULL: midnight of publication_date; NULL kept in legacy_extra)",
        "sha256": "legacy_extra (an opaque legacy key, not recomputed)",
    },
    "post": {
        "id": "core.post.post_id (kept)",
        "text": "core.post.text",
        "author_id": "core.post.author_id",
        "city": "core.post.city (resolved ward; the raw label in legacy_extra when it differs)",
        "emotion": "core.post.emotion (normalised) + core.post.emotion_raw",
        "party": "core.post.party (normalised) + core.post.party_raw",
        "created_at": "core.post.created_at (naive, read in --legacy-timezone)",
        "epaper_id": "core.post.epaper_id (through the e-paper mapping)",
        "search_vector": "dropped: core.post.search_vector is generated from text",
    },
    "alert": {
        "id": "core.alert.alert_id (kept)",
        "ward": "core.alert.ward_name (resolved ward) + legacy_extra (raw label)",
        "description": "core.alert.description (NULL as '' + legacy_extra)",
        "severity": "core.alert.severity (lower case; Info -> low) + legacy_extra (raw)",
        "opportunities": "core.alert.opportunities (jsonb array from JSON or lines) + legacy_extra (raw)",
        "threats": "core.alert.threats (jsonb array) + legacy_extra (raw)",
        "actionable_alerts": "core.alert.actionable_alerts (jsonb array) + legacy_extra (raw)",
        "source_articles": "core.alert.source_articles (jsonb array) + legacy_extra (raw)",
        "created_at": "core.alert.created_at (naive, read in --legacy-timezone)",
        "updated_at": "core.alert.updated_at (naive, read in --legacy-timezone)",
    },
}

# Names in the legacy schema that are known to clash with what this package provides.
CLASHES = (
    "post_partitioned",
    "create_monthly_post_partition",
    "get_ward_intelligence_fast",
    "bulk_insert_posts",
    "posts",
    "authors",
    "alerts",
    "ward_analytics_summary",
)


@dataclass
class LegacyTable:
    """One legacy table: its row count, highest id, sequence position and columns."""

    name: str
    rows: int
    max_id: int | None
    sequence: str | None
    sequence_next: int | None
    columns: list[str]
    captured: bool

    @property
    def sequence_lags(self) -> bool:
        """Whether the table's id sequence would hand out an id that already exists."""
        return self.max_id is not None and self.sequence_next is not None and self.sequence_next <= self.max_id

    def unknown_columns(self) -> list[str]:
        """Legacy columns the adoption has no mapping for (kept raw in adopt.mapping.legacy_extra)."""
        known = COLUMNS.get(self.name, {})
        return [c for c in self.columns if c not in known]


@dataclass
class Dependent:
    """An object that depends on a legacy table (view, materialized view, foreign key, trigger)."""

    kind: str  # view, materialized view, foreign key, trigger
    name: str
    on: str
    action: str


@dataclass
class Survey:
    """What `adopt plan` found in the legacy schema: tables, dependents, time zones, Alembic revision."""

    schema: str
    timezone: str
    server_timezone: str
    tables: list[LegacyTable]
    alembic_revision: str | None
    dependents: list[Dependent]
    clashes: list[str]
    legacy_schema_taken: bool
    warnings: list[str] = field(default_factory=list)


def schema_exists(conn, schema: str) -> bool:
    """Whether ``schema`` exists in the database."""
    return conn.execute("select 1 from pg_namespace where nspname = %s", [schema]).fetchone() is not None


def legacy_tables(conn, schema: str) -> list[str]:
    """The adoptable tables present in ``schema``, in key order."""
    present = {
        r[0]
        for r in conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = %s and c.relkind in ('r', 'p') and c.relname = any(%s)",
            [schema, list(TABLES)],
        )
    }
    return [t for t in TABLES if t in present]


def _table(conn, schema: str, name: str) -> LegacyTable:
    ident = sql.Identifier(schema, name)
    rows, max_id = conn.execute(sql.SQL("select count(*), max(id) from {}").format(ident)).fetchone()
    seq = conn.execute(
        "select pg_get_serial_sequence(%s, 'id')", [f"{sql.Identifier(schema, name).as_string(conn)}"]
    ).fetchone()[0]
    nxt = None
    if seq:
        last, called = conn.execute(sql.SQL("select last_value, is_called from {}").format(sql.SQL(seq))).fetchone()
        nxt = last + 1 if called else last
    cols = [
        r[0]
        for r in conn.execute(
            "select a.attname from pg_attribute a where a.attrelid = %s::regclass and a.attnum > 0"
            " and not a.attisdropped order by a.attnum",
            [ident.as_string(conn)],
        )
    ]
    captured = (
        conn.execute(
            "select 1 from pg_trigger where tgrelid = %s::regclass and tgname = %s",
            [ident.as_string(conn), f"tg_{name}__adopt_capture"],
        ).fetchone()
        is not None
    )
    return LegacyTable(name, rows, max_id, seq, nxt, cols, captured)


def dependents(conn, schema: str, tables: list[str]) -> list[Dependent]:
    """Views, materialized views, foreign keys from other tables and triggers on the legacy tables."""
    if not tables:
        return []
    out: list[Dependent] = []
    for kind, name, on in conn.execute(
        """
        select distinct case v.relkind when 'm' then 'materialized view' else 'view' end,
               v.oid::regclass::text, t.relname
          from pg_depend d
          join pg_rewrite r on r.oid = d.objid
          join pg_class v on v.oid = r.ev_class
          join pg_class t on t.oid = d.refobjid
          join pg_namespace n on n.oid = t.relnamespace
         where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
           and n.nspname = %s and t.relname = any(%s) and v.oid <> t.oid
         order by 2""",
        [schema, tables],
    ):
        out.append(
            Dependent(
                kind,
                name,
                on,
                "cutover rebuilds it over the compatibility objects and swaps it in (the original, with "
                "its data as of cutover, is kept in lokdarpan_legacy); rollback brings the original back "
                "and refreshes it"
                if kind == "materialized view"
                else "cutover re-binds it to the compatibility object (CREATE OR REPLACE with its own "
                "query; a column showing a legacy id turns bigint, which fails the cutover with nothing "
                "changed); rollback re-binds it to the legacy table",
            )
        )
    for name, src, on, among in conn.execute(
        """
        select c.conname, c.conrelid::regclass::text, t.relname,
               (sn.nspname = %s and s.relname = any(%s))
          from pg_constraint c join pg_class t on t.oid = c.confrelid
          join pg_namespace n on n.oid = t.relnamespace
          join pg_class s on s.oid = c.conrelid join pg_namespace sn on sn.oid = s.relnamespace
         where c.contype = 'f' and n.nspname = %s and t.relname = any(%s)
         order by 2, 1""",
        [schema, tables, schema, tables],
    ):
        out.append(Dependent("foreign key", f"{name} on {src}", on, _fk_action(on, among)))
    for name, on in conn.execute(
        """
        select tg.tgname, t.relname
          from pg_trigger tg join pg_class t on t.oid = tg.tgrelid
          join pg_namespace n on n.oid = t.relnamespace
         where not tg.tgisinternal and n.nspname = %s and t.relname = any(%s)
           and tg.tgname !~ '^tg_.*__adopt_(capture|sync|mirror|compat_log)$'
         order by 2, 1""",
        [schema, tables],
    ):
        out.append(
            Dependent(
                "trigger",
                name,
                on,
                "keeps running on the legacy table and moves with it to lokdarpan_legacy at cutover; "
                "core computes its own search vector",
            )
        )
    return out


def _fk_action(target: str, among_legacy: bool) -> str:
    """What cutover does to a foreign key into legacy table ``target``."""
    if among_legacy:
        return "moves with both legacy tables to lokdarpan_legacy at cutover (core has its own keys)"
    into = {"user": "core.app_user", "author": "core.author", "epaper": "the compatibility epaper table"}.get(target)
    if into:
        return (
            f"cutover replaces it by a NOT VALID foreign key into {into} (new rows checked); "
            "rollback restores the original and validates it"
        )
    return "cutover drops it (core has no single-column key for it); rollback restores and validates it"


def survey(conn, schema: str, timezone: str) -> Survey:
    """Everything ``adopt plan`` reports except the quarantine preview. Reads only."""
    server_tz = conn.execute("show timezone").fetchone()[0]
    names = legacy_tables(conn, schema)
    tables = [_table(conn, schema, t) for t in names]
    revision = None
    if conn.execute("select to_regclass(%s)", [f"{sql.Identifier(schema).as_string(conn)}.alembic_version"]).fetchone()[
        0
    ]:
        row = conn.execute(
            sql.SQL("select string_agg(version_num, ', ') from {}").format(sql.Identifier(schema, "alembic_version"))
        ).fetchone()
        revision = row[0]
    clashes = [
        r[0]
        for r in conn.execute(
            """
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = %(s)s and c.relname = any(%(names)s)
        union
        select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = %(s)s and p.proname = any(%(names)s)
        order by 1""",
            {"s": schema, "names": list(CLASHES)},
        )
    ]
    s = Survey(
        schema,
        timezone,
        server_tz,
        tables,
        revision,
        dependents(conn, schema, names),
        clashes,
        schema_exists(conn, "lokdarpan_legacy"),
    )
    if server_tz.upper() not in ("UTC", "ETC/UTC", "GMT", "ZULU"):
        s.warnings.append(
            f"the server's TimeZone is {server_tz}, not UTC: if the application stored naive "
            f"timestamps under it, pass --legacy-timezone {server_tz}"
        )
    for t in tables:
        if t.sequence_lags:
            s.warnings.append(
                f"sequence {t.sequence} (next {t.sequence_next}) is behind max(id) {t.max_id} "
                f"of {schema}.{t.name}: the application's next inserts will collide; "
                f"cutover sets sequences past every id"
            )
        if t.unknown_columns():
            s.warnings.append(
                f"{schema}.{t.name} has columns this package does not know: "
                f"{', '.join(t.unknown_columns())} (kept in adopt.mapping.legacy_extra)"
            )
    if s.legacy_schema_taken:
        s.warnings.append("schema lokdarpan_legacy already exists: cutover moves the legacy tables there")
    if "post" not in names:
        s.warnings.append(f"no table post in schema {schema}: is --legacy-schema right?")
    return s
