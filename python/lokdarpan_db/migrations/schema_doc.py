"""The reference of the live schema (``docs/schema.md``), generated from a database's catalog and
its ``COMMENT ON``s, for application teams: they read this, not the plan's history.

For every module schema (every schema holding an object the plan created: system schemas,
``information_schema``, the tools' bookkeeping and extensions' own objects are left out) it lists
the tables, partitioned tables, views and materialized views with their columns (type,
nullability, default, comment), the composite/enum/domain types, and every function with its
arguments and defaults, result (the columns of a ``RETURNS TABLE``/``OUT`` result), volatility,
security, settings and comment. Partitions are folded into their parent as name patterns
(``core.post_pYYYY_MM``): which months exist depends on the day the plan was deployed.

The output is deterministic: everything is sorted by name in Python (not by the server's
collation), and nothing depends on oids, ports, timestamps or the calendar. (One module past the
usual size: the catalog reader and the renderer share its data classes and nothing else uses them.)
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from ..errors import UserError
from ..postgres.connect import connect

COMMAND = "lokdarpan-db schema-doc"
DEFAULT_PATH = Path("docs") / "schema.md"
EXCLUDED_SCHEMAS = ("information_schema", "lokdarpan_meta", "sqitch")
TOOL_TABLES = ("_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock")
_NOT_EXT = "not exists (select 1 from pg_depend d where d.objid = {oid} and d.deptype = 'e')"

_SCHEMAS_SQL = """
    select n.nspname, coalesce(obj_description(n.oid, 'pg_namespace'), '')
      from pg_namespace n
     where n.nspname not like 'pg\\_%%' and n.nspname <> all(%(excluded)s)"""

_RELATIONS_SQL = f"""
    select n.nspname, c.relname, c.relkind::text, c.relispartition, c.relpersistence::text,
           coalesce(obj_description(c.oid, 'pg_class'), ''), coalesce(pg_get_partkeydef(c.oid), ''),
           coalesce(pg_get_expr(c.relpartbound, c.oid), ''),
           (select pn.nspname || '.' || p.relname from pg_inherits i
              join pg_class p on p.oid = i.inhparent join pg_namespace pn on pn.oid = p.relnamespace
             where i.inhrelid = c.oid limit 1),
           (select array_agg(a.attname::text order by k.ord)
              from pg_constraint pk, unnest(pk.conkey) with ordinality k(attnum, ord)
              join pg_attribute a on a.attnum = k.attnum
             where pk.conrelid = c.oid and pk.contype = 'p' and a.attrelid = c.oid)
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'f') and n.nspname = any(%(schemas)s)
       and not (n.nspname = 'public' and c.relname = any(%(tools)s))
       and {_NOT_EXT.format(oid="c.oid")}"""

_COLUMNS_SQL = f"""
    select n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
           coalesce(pg_get_expr(ad.adbin, ad.adrelid), ''), a.attidentity::text,
           a.attgenerated::text, coalesce(col_description(c.oid, a.attnum), ''), a.attnum
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
     where a.attnum > 0 and not a.attisdropped and not c.relispartition
       and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c') and n.nspname = any(%(schemas)s)
       and {_NOT_EXT.format(oid="c.oid")}"""

_FUNCTIONS_SQL = f"""
    select n.nspname, p.proname, p.prokind::text, pg_get_function_identity_arguments(p.oid),
           pg_get_function_arguments(p.oid), coalesce(pg_get_function_result(p.oid), ''),
           p.provolatile::text, p.prosecdef, p.proparallel::text, l.lanname,
           coalesce(array_to_string(p.proconfig, '; '), ''),
           coalesce(obj_description(p.oid, 'pg_proc'), ''),
           coalesce((select array_agg(array[coalesce(u.name, ''), format_type(u.typ, null)]
                                      order by u.ord)
                       from unnest(p.proallargtypes, p.proargmodes, p.proargnames)
                            with ordinality u(typ, mode, name, ord)
                      where u.mode in ('o', 't', 'b')), '{{}}'),
           (select tn.nspname || '.' || t.typname from pg_type t
              join pg_namespace tn on tn.oid = t.typnamespace
             where t.oid = p.prorettype and t.typrelid <> 0)
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      join pg_language l on l.oid = p.prolang
     where n.nspname = any(%(schemas)s) and {_NOT_EXT.format(oid="p.oid")}"""

_TYPES_SQL = f"""
    select n.nspname, t.typname, t.typtype::text,
           coalesce((select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder)
                       from pg_enum e where e.enumtypid = t.oid), ''),
           coalesce(format_type(nullif(t.typbasetype, 0), t.typtypmod), ''),
           coalesce(obj_description(t.oid, 'pg_type'), '')
      from pg_type t join pg_namespace n on n.oid = t.typnamespace
     where n.nspname = any(%(schemas)s) and t.typtype in ('e', 'd', 'c')
       and (t.typtype <> 'c' or (select relkind from pg_class where oid = t.typrelid) = 'c')
       and {_NOT_EXT.format(oid="t.oid")}"""

_KIND = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view", "f": "foreign table"}
_FUNC_KIND = {"f": "function", "p": "procedure", "a": "aggregate", "w": "window function"}
_VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}
_PARALLEL = {"s": "parallel safe", "r": "parallel restricted", "u": "parallel unsafe"}


@dataclass
class Column:
    """A column of a table, view or composite type, as the reference shows it."""

    name: str
    type: str
    not_null: bool
    default: str
    comment: str


@dataclass
class Relation:
    """A table, partitioned table, view or materialized view with its columns."""

    schema: str
    name: str
    kind: str
    unlogged: bool
    comment: str
    partition_key: str
    primary_key: list[str]
    columns: list[Column] = field(default_factory=list)
    partitions: list[str] = field(default_factory=list)  # folded name patterns

    @property
    def qualified(self) -> str:
        """The schema-qualified name."""
        return f"{self.schema}.{self.name}"


@dataclass
class Function:
    """A function or procedure with its signature, result and properties."""

    schema: str
    name: str
    kind: str
    identity: str
    arguments: str
    result: str
    volatility: str
    security_definer: bool
    parallel: str
    language: str
    settings: str
    comment: str
    out_columns: list[tuple[str, str]]
    returns_row_of: str | None


@dataclass
class Type:
    """A composite, enum or domain type."""

    schema: str
    name: str
    kind: str  # e, d, c
    labels: str
    base: str
    comment: str
    columns: list[Column] = field(default_factory=list)


@dataclass
class Schema:
    """One module schema: its comment and objects."""

    name: str
    comment: str
    relations: list[Relation] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    types: list[Type] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether the schema holds nothing to document."""
        return not (self.relations or self.functions or self.types)


def partition_pattern(name: str) -> str:
    """A partition's name with its calendar and counter parts folded:
    ``post_p2026_11`` -> ``post_pYYYY_MM``, ``x_p2026_11_30`` -> ``x_pYYYY_MM_DD``, other digit
    runs -> ``N``."""
    name = re.sub(r"(?<!\d)\d{4}_\d{2}_\d{2}(?!\d)", "YYYY_MM_DD", name)
    name = re.sub(r"(?<!\d)\d{4}_\d{2}(?!\d)", "YYYY_MM", name)
    return re.sub(r"\d+", "N", name)


def read_catalog(conn: psycopg.Connection, schemas: list[str] | None = None) -> list[Schema]:
    """Every module schema of the database ``conn`` is connected to (or only ``schemas``), with
    its objects, sorted by name; schemas holding nothing of ours are left out."""
    found = {
        name: Schema(name, comment)
        for name, comment in conn.execute(_SCHEMAS_SQL, {"excluded": list(EXCLUDED_SCHEMAS)})
    }
    if schemas is not None:
        found = {k: v for k, v in found.items() if k in schemas}
    params = {"schemas": sorted(found), "tools": list(TOOL_TABLES)}
    relations: dict[str, Relation] = {}
    children: list[tuple[str, str, str, str]] = []  # parent, schema, name, bound
    for nsp, rel, kind, is_part, persistence, comment, partkey, bound, parent, pk in conn.execute(
        _RELATIONS_SQL, params
    ):
        if is_part and parent:
            children.append((parent, nsp, rel, bound))
            continue
        relations[f"{nsp}.{rel}"] = Relation(nsp, rel, kind, persistence == "u", comment, partkey, list(pk or []))
    for parent, nsp, rel, bound in children:
        # a partition of a partition folds into the top of its tree
        top = parent
        while top not in relations:
            up = next((c for c in children if f"{c[1]}.{c[2]}" == top), None)
            if up is None:
                break
            top = up[0]
        if top in relations:
            label = f"`{nsp}.{partition_pattern(rel)}`" + (" (default)" if bound == "DEFAULT" else "")
            if label not in relations[top].partitions:
                relations[top].partitions.append(label)
    types: dict[str, Type] = {}
    for nsp, name, kind, labels, base, comment in conn.execute(_TYPES_SQL, params):
        types[f"{nsp}.{name}"] = Type(nsp, name, kind, labels, base, comment)
    for nsp, rel, att, typ, not_null, default, identity, generated, comment, _ in sorted(
        conn.execute(_COLUMNS_SQL, params), key=lambda r: (r[0], r[1], r[9])
    ):
        if identity:
            default = "generated " + ("always" if identity == "a" else "by default") + " as identity"
        elif generated:
            default = f"generated always as ({default})" + (" stored" if generated == "s" else " virtual")
        col = Column(att, typ, not_null, default, comment)
        owner = relations.get(f"{nsp}.{rel}") or types.get(f"{nsp}.{rel}")
        if owner is not None:
            owner.columns.append(col)
    for r in conn.execute(_FUNCTIONS_SQL, params):
        (nsp, name, kind, identity, args, result, vol, secdef, parallel, lang, settings, comment, outs, row_of) = r
        found[nsp].functions.append(
            Function(
                nsp,
                name,
                kind,
                identity,
                args,
                result,
                vol,
                secdef,
                parallel,
                lang,
                settings,
                comment,
                [(o[0], o[1]) for o in (outs or [])],
                row_of,
            )
        )
    for rel in relations.values():
        rel.partitions.sort()
        found[rel.schema].relations.append(rel)
    for t in types.values():
        found[t.schema].types.append(t)
    out = []
    for name in sorted(found):
        s = found[name]
        s.relations.sort(key=lambda x: x.name)
        s.functions.sort(key=lambda f: (f.name, f.identity))
        s.types.sort(key=lambda t: t.name)
        if not s.empty:
            out.append(s)
    return out


def _prose(text: str) -> str:
    """Catalog text as markdown prose: a ``<word>`` stays visible instead of reading as HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    """Text fit for one markdown table cell."""
    text = " ".join(text.split())
    return _prose(text.replace("\\", "\\\\")).replace("|", "\\|")


def _code_cell(text: str) -> str:
    """Inline code inside a table cell (a code span keeps backslashes; only the pipe needs care)."""
    return _code(" ".join(text.split()).replace("|", "\\|"))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _code(text: str) -> str:
    """Inline code, whatever backticks the text holds."""
    if "`" not in text:
        return f"`{text}`"
    return f"`` {text} ``"


def _paragraph(text: str) -> list[str]:
    """A comment as markdown paragraphs: its own line breaks kept, trailing spaces dropped."""
    return [_prose(line.rstrip()) for line in text.strip().splitlines()] + [""] if text.strip() else []


def _summary(text: str) -> str:
    """The first sentence (or line) of a comment, for the contents."""
    first = text.strip().split("\n\n")[0].replace("\n", " ")
    m = re.match(r"(.+?[.!?])(\s+[A-Z(]|$)", first)
    s = m.group(1) if m else first
    return _cell(s if len(s) <= 160 else s[:157].rstrip() + "...")


def _anchors(schema: Schema) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """Stable anchors: ``core.post``, ``core.create_monthly_post_partition-2`` for overloads."""
    rel = {id(r): f"{r.schema}.{r.name}" for r in schema.relations}
    typ = {id(t): f"type-{t.schema}.{t.name}" for t in schema.types}
    fn: dict[int, str] = {}
    seen: dict[str, int] = {}
    for f in schema.functions:
        base = f"fn-{f.schema}.{f.name}"
        seen[base] = seen.get(base, 0) + 1
        fn[id(f)] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return rel, typ, fn


def _columns_table(columns: list[Column], with_null: bool = True) -> list[str]:
    if with_null:
        lines = ["| column | type | null | default | comment |", "|---|---|---|---|---|"]
    else:
        lines = ["| column | type | comment |", "|---|---|---|"]
    for c in columns:
        cells = [_code_cell(c.name), _cell(c.type)]
        if with_null:
            cells += ["not null" if c.not_null else "null", _code_cell(c.default) if c.default else ""]
        cells.append(_cell(c.comment))
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def render(schemas: list[Schema]) -> str:
    """The markdown reference of ``schemas`` (from :func:`read_catalog`)."""
    lines = [
        "# LokDarpan DB schema reference",
        "",
        "<!-- Generated from the catalog of a database with the whole plan deployed; do not edit.",
        f"     Regenerate with: {COMMAND}   (tests/migrations/test_schema_doc.py checks it) -->",
        "",
        "The live schema as application teams call it: every module's tables, views and functions",
        "with their columns and `COMMENT ON`s, read from the catalog (not from the plan's history).",
        "Partitions are listed by name pattern under their parent (`core.post_pYYYY_MM`: one per",
        "month); they have their parent's columns.",
        "",
        "## Contents",
        "",
    ]
    anchors = {}
    for s in schemas:
        anchors[s.name] = _anchors(s)
        counts = [
            _plural(len(s.relations), "table or view").replace("table or views", "tables and views"),
            _plural(len(s.functions), "function"),
        ]
        if s.types:
            counts.append(_plural(len(s.types), "type"))
        lines.append(f"- [{s.name}](#{s.name}) ({', '.join(counts)}){' — ' + _summary(s.comment) if s.comment else ''}")
    lines.append("")
    for s in schemas:
        rel_a, typ_a, fn_a = anchors[s.name]
        lines += [f'<a id="{s.name}"></a>', "", f"## {s.name}", ""] + _paragraph(s.comment)
        if s.relations:
            lines += ["| table or view | kind | summary |", "|---|---|---|"]
            lines += [
                f"| [{r.qualified}](#{rel_a[id(r)]}) | {_KIND[r.kind]} | {_summary(r.comment)} |" for r in s.relations
            ]
            lines.append("")
        if s.types:
            lines += ["| type | kind | summary |", "|---|---|---|"]
            lines += [
                f"| [{t.schema}.{t.name}](#{typ_a[id(t)]}) | "
                f"{ {'e': 'enum', 'd': 'domain', 'c': 'composite'}[t.kind] } | {_summary(t.comment)} |"
                for t in s.types
            ]
            lines.append("")
        if s.functions:
            lines += ["| function | returns | summary |", "|---|---|---|"]
            lines += [
                f"| [{f.schema}.{f.name}({_cell(f.identity)})](#{fn_a[id(f)]}) | {_cell(f.result)} | "
                f"{_summary(f.comment)} |"
                for f in s.functions
            ]
            lines.append("")
        if s.relations:
            lines += [f"### {s.name}: tables and views", ""]
        for r in s.relations:
            kind = _KIND[r.kind] + (" (unlogged)" if r.unlogged else "")
            lines += [
                f'<a id="{rel_a[id(r)]}"></a>',
                "",
                f"#### {r.qualified}",
                "",
                f"*{kind}*" + (f" — partitioned by {_code(r.partition_key)}" if r.partition_key else ""),
                "",
            ]
            lines += _paragraph(r.comment)
            if r.partitions:
                lines += ["Partitions (omitted below): " + ", ".join(r.partitions) + ".", ""]
            elif r.kind == "p":
                lines += ["Partitions: none yet.", ""]
            if r.primary_key:
                lines += [f"Primary key: {_code('(' + ', '.join(r.primary_key) + ')')}.", ""]
            lines += _columns_table(r.columns, with_null=r.kind in ("r", "p", "f"))
        if s.types:
            lines += [f"### {s.name}: types", ""]
        for t in s.types:
            lines += [f'<a id="{typ_a[id(t)]}"></a>', "", f"#### {t.schema}.{t.name}", ""]
            if t.kind == "e":
                lines += [f"*enum*: {t.labels}", ""]
            elif t.kind == "d":
                lines += [f"*domain* over {_code(t.base)}", ""]
            else:
                lines += ["*composite type*", ""]
            lines += _paragraph(t.comment)
            if t.kind == "c":
                lines += _columns_table(t.columns, with_null=False)
        if s.functions:
            lines += [f"### {s.name}: functions", ""]
        for f in s.functions:
            traits = [_FUNC_KIND[f.kind], f"language {f.language}"]
            if f.kind in ("f", "w", "p"):
                traits += [
                    _VOLATILITY[f.volatility],
                    "security definer" if f.security_definer else "security invoker",
                    _PARALLEL[f.parallel],
                ]
            lines += [
                f'<a id="{fn_a[id(f)]}"></a>',
                "",
                f"#### {f.schema}.{f.name}({_cell(f.identity)})",
                "",
                "```sql",
                f"{f.schema}.{f.name}({f.arguments})" + (f"\n  returns {f.result}" if f.result else ""),
                "```",
                "",
                "*" + ", ".join(traits) + "*" + (f" — set {_code(f.settings)}" if f.settings else ""),
                "",
            ]
            lines += _paragraph(f.comment)
            if f.out_columns:
                lines += ["| result column | type |", "|---|---|"]
                lines += [f"| {_code_cell(n) if n else ''} | {_cell(t)} |" for n, t in f.out_columns] + [""]
            elif f.returns_row_of:
                target = f.returns_row_of
                sch = target.split(".", 1)[0]
                if sch in anchors:
                    link = (
                        f"#{target}"
                        if any(r.qualified == target for r in next(x for x in schemas if x.name == sch).relations)
                        else f"#type-{target}"
                    )
                    lines += [f"Result columns: those of [{target}]({link}).", ""]
                else:
                    lines += [f"Result columns: those of {_code(target)}.", ""]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def generate(conn: psycopg.Connection, schemas: list[str] | None = None) -> str:
    """The reference of the database ``conn`` is connected to."""
    return render(read_catalog(conn, schemas))


def generate_from_plan(url: str, project_dir: Path, *, log: Callable[[str], None] | None = None) -> str:
    """Deploy the project's whole plan into a scratch database on the server of ``url``, document
    it, and drop it: the reference of the plan, whatever the database at ``url`` holds."""
    from .engine import Deployer  # imported here: reading a catalog needs no deployer

    name = f"lokdarpan_schema_doc_{uuid.uuid4().hex[:10]}"
    params = conninfo_to_dict(url)
    scratch = make_conninfo("", **{**params, "dbname": name})
    with connect(url, autocommit=True) as conn:
        try:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        except psycopg.errors.InsufficientPrivilege as exc:
            raise UserError(
                f"cannot create a scratch database to deploy the plan into: "
                f"{exc.diag.message_primary} (pass --deployed to document a deployed database)"
            ) from None
    try:
        if log:
            log(f"deploying the plan of {project_dir} into scratch database {name}")
        Deployer(scratch, project_dir, log=None).deploy()
        with connect(scratch) as conn:
            return generate(conn)
    finally:
        with connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def first_difference(expected: str, actual: str) -> tuple[int, str, str] | None:
    """(line number, expected line, actual line) of the first line where the texts differ, or None."""
    exp, act = expected.splitlines(), actual.splitlines()
    for i in range(max(len(exp), len(act))):
        e = exp[i] if i < len(exp) else "<end of file>"
        a = act[i] if i < len(act) else "<end of file>"
        if e != a:
            return i + 1, e, a
    if expected != actual:  # only a trailing newline differs
        return len(exp) + 1, repr(expected[-1:]), repr(actual[-1:])
    return None
