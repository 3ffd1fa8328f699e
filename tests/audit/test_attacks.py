"""Break-in attempts: a search_path attack on every SECURITY DEFINER function, and SQL
injection strings into every function that builds dynamic SQL. Functions are discovered from the
catalog, so those added by later modules are attacked too. Each harness is first shown to catch
a deliberately vulnerable function."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import sql

from .helpers import as_role

PRODUCT_FUNCS = """
    select p.oid, p.oid::regprocedure::text, p.proname, p.proargnames, p.proargtypes::regtype[]::text[],
           p.pronargs, p.pronargdefaults, p.prorettype in ('trigger'::regtype, 'event_trigger'::regtype),
           p.proretset, p.proconfig
      from pg_proc p join ops.product_schema s on s.schema_oid = p.pronamespace
     where p.prokind = 'f' and {cond}
     order by 2"""

# builtins a definer function might call unqualified, planted in the attacker's schema
BUILTINS = [
    "lower",
    "upper",
    "btrim",
    "format",
    "current_setting",
    "set_config",
    "pg_has_role",
    "to_jsonb",
    "jsonb_set",
    "inet_client_addr",
    "pg_current_xact_id",
    "left",
    "round",
    "age",
    "to_char",
    "make_interval",
    "date_trunc",
    "array_to_string",
    "cardinality",
    "quote_ident",
    "to_regclass",
    "has_table_privilege",
    "pg_get_viewdef",
    "now",
    "clock_timestamp",
    "pg_is_in_recovery",
    "pg_get_expr",
    "string_to_array",
    "abs",
]

SAMPLE = {
    "integer": "30",
    "bigint": "30",
    "smallint": "30",
    "numeric": "1000",
    "boolean": "false",
    "date": "date '2026-11-15'",
    "timestamp with time zone": "timestamptz '2026-11-15 12:00+00'",
    "timestamp without time zone": "timestamp '2026-11-15 12:00'",
    "text": "'Kapra'",
    "name": "'ward_name'",
    "regclass": "'core.alert'",
    "text[]": "'{}'::text[]",
}


def _call_sql(sig: str, types: list[str], nargs: int, ndefaults: int, value_for=None) -> str:
    args = []
    for i in range(nargs - ndefaults):
        v = value_for(i, types[i]) if value_for else None
        args.append(v if v is not None else f"{SAMPLE.get(types[i], 'null')}::{types[i]}")
    return f"select * from {sig.split('(')[0]}({', '.join(args)})"


def _outcome(conn, stmt):
    try:
        with conn.transaction():
            rows = conn.execute(stmt).fetchall()
            return ("ok", len(rows), rows)
    except psycopg.Error as exc:
        return ("error", exc.sqlstate, str(exc).splitlines()[0])


def plant(conn, schema: str, relations: list[str]) -> None:
    """As the attacker: shadow builtins, the text = operator and every product relation name."""
    for name in BUILTINS:
        for args in ("", "text", "anyelement", "variadic text[]"):
            conn.execute(
                sql.SQL(
                    "create function {}.{}({}) returns text language plpgsql as "
                    "$$ begin raise exception 'planted {} used'; end $$"
                ).format(sql.Identifier(schema), sql.Identifier(name), sql.SQL(args), sql.SQL(name))
            )
    conn.execute(
        sql.SQL(
            "create function {}.eq(text, text) returns boolean language plpgsql as "
            "$$ begin raise exception 'planted = used'; end $$"
        ).format(sql.Identifier(schema))
    )
    conn.execute(
        sql.SQL("create operator {}.= (leftarg = text, rightarg = text, function = {}.eq)").format(
            sql.Identifier(schema), sql.Identifier(schema)
        )
    )
    for rel in sorted(set(relations)):
        conn.execute(sql.SQL("create temp table {} (planted integer)").format(sql.Identifier(rel)))
        conn.execute(
            sql.SQL("create table {}.{} (planted integer)").format(sql.Identifier(schema), sql.Identifier(rel))
        )
    conn.execute(sql.SQL("set search_path = {}, pg_catalog, public").format(sql.Identifier(schema)))


def attack(db, roles, functions) -> list[str]:
    """Definer functions whose behaviour changes when the caller plants objects on its path."""
    attacker = roles.login("lokdarpan_analyst", "atk")
    roles.assign(attacker, "Kapra")
    schema = f"t_attack_{uuid.uuid4().hex[:6]}"
    db.execute(sql.SQL("create schema {} authorization {}").format(sql.Identifier(schema), sql.Identifier(attacker)))
    db.commit()
    relations = [
        r[0]
        for r in db.execute(
            "select c.relname from pg_class c join ops.product_schema s on s.schema_oid = c.relnamespace "
            "where c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition"
        )
    ]
    broken = []
    try:
        with as_role(db, attacker):
            for _oid, sig, _n, _names, types, nargs, ndef, is_trigger, _set, _cfg in functions:
                if is_trigger:
                    continue
                call = _call_sql(sig, types, nargs, ndef)
                first, second = _outcome(db, call), _outcome(db, call)
                with db.transaction(force_rollback=True):
                    plant(db, schema, relations)
                    attacked = _outcome(db, call)
                    db.execute("reset search_path")
                if first == second:
                    same = attacked == first
                else:  # time-varying result (statistics): same shape, no new error
                    same = attacked[0] == first[0] and attacked[1] == first[1]
                if not same:
                    broken.append(f"{sig}: {first[:2]} -> {attacked}")
            # the audit trigger (the one SECURITY DEFINER trigger function) under attack
            with db.transaction(force_rollback=True):
                plant(db, schema, relations)
                db.execute("insert into core.alert (ward_name, description) values ('Kapra', 'under attack')")
                db.execute("reset search_path")
        logged = db.execute(
            "select count(*) from audit.audit_log where new_row ->> 'description' = 'under attack'"
        ).fetchone()[0]
        assert logged == 0  # rolled back with the insert; the insert itself went through
    finally:
        db.rollback()
        db.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))
        db.commit()
    return broken


def definer_functions(conn):
    return conn.execute(PRODUCT_FUNCS.format(cond="p.prosecdef")).fetchall()


def test_every_security_definer_function_pins_a_safe_search_path(db):
    functions = definer_functions(db)
    assert len(functions) >= 5
    for _oid, sig, *_rest, cfg in functions:
        path = next((c.split("=", 1)[1] for c in (cfg or []) if c.startswith("search_path=")), None)
        assert path is not None, f"{sig} does not pin search_path"
        parts = [p.strip().strip('"') for p in path.split(",")]
        assert parts[0] == "pg_catalog", f"{sig}: pg_catalog must come first ({path})"
        assert not {"public", "$user"} & set(parts), f"{sig}: writable schema on its path ({path})"
        assert "pg_temp" not in parts[:-1], f"{sig}: pg_temp must be last if listed ({path})"
        for schema in parts:
            writable = db.execute(
                "select count(*) from pg_namespace n, "
                "unnest(array['lokdarpan_readonly', 'lokdarpan_analyst', "
                "'lokdarpan_app', 'lokdarpan_ingest', 'public']) r(role) where n.nspname = %s "
                "and case when r.role = 'public' then exists (select 1 from aclexplode(n.nspacl) a "
                "where a.grantee = 0 and a.privilege_type = 'CREATE') "
                "else has_schema_privilege(r.role, n.oid, 'create') end",
                [schema],
            ).fetchone()[0]
            assert writable == 0, f"{sig}: non-owners may create objects in {schema}"


def test_search_path_attack_on_every_security_definer_function(db, roles):
    assert attack(db, roles, definer_functions(db)) == []


def test_the_search_path_harness_catches_an_unpinned_function(db, roles):
    db.execute("""create function analytics.t_unpinned(p_ward text) returns bigint language plpgsql
                  stable security definer as $$
                  begin return length(upper(p_ward)) + (select count(*) from core.alert); end $$""")
    db.commit()
    try:
        fns = [f for f in definer_functions(db) if f[1].startswith("analytics.t_unpinned")]
        assert len(attack(db, roles, fns)) == 1
    finally:
        db.rollback()
        db.execute("drop function analytics.t_unpinned(text)")
        db.commit()


# ---------------------------------------------------------------------------------------------
# SQL injection

INJECTIONS = [
    "'; drop table public.t_canary; --",
    "x') or (1=1",
    '"; drop table public.t_canary; --',
    "Kapra' union select rolname from pg_roles --",
    "$$; drop table public.t_canary; $$",
    "%s %I %L",
    "\\",
    "Robert'); drop table public.t_canary;--",
    "ward_name; drop table public.t_canary",
    'a"b',
    "",
]


def dynamic_functions(conn):
    return conn.execute(
        PRODUCT_FUNCS.format(
            cond="p.prolang = (select oid from pg_language where lanname = 'plpgsql') "
            "and p.prosrc ~* '\\mexecute\\M' and p.prorettype <> 'trigger'::regtype "
            "and exists (select 1 from unnest(p.proargtypes::regtype[]) t "
            "where t in ('text'::regtype, 'name'::regtype, 'text[]'::regtype, 'character varying'::regtype))"
        )
    ).fetchall()


def inject(db, functions) -> list[str]:
    """Calls each function with every injection string in each text/name argument (other
    arguments: sample values; regclass arguments: a table, a partitioned table, a matview).
    Returns what went wrong: a syntax error (the string reached SQL text) or a side effect."""
    db.execute("create table public.t_canary (x integer)")
    db.execute("create table pulse.t_inj (inj_id integer primary key, ward_name text, note text)")
    db.execute("create materialized view analytics.t_inj_mv as select 'Kapra'::text as ward_name, 1 as n")
    db.commit()
    problems = []
    rels = ["'pulse.t_inj'", "'core.post'", "'analytics.t_inj_mv'"]
    try:
        for _oid, sig, _n, _names, types, nargs, ndef, *_ in functions:
            text_positions = [
                i for i, t in enumerate(types[:nargs]) if t in ("text", "name", "text[]", "character varying")
            ]
            reg_positions = [i for i, t in enumerate(types[:nargs]) if t == "regclass"]
            for pos in text_positions:
                for rel in rels if reg_positions else [None]:
                    for payload in INJECTIONS:

                        def value_for(i, t, pos=pos, rel=rel, payload=payload, regs=tuple(reg_positions)):
                            if i == pos:
                                lit = sql.Literal(payload).as_string(db)
                                return f"array[{lit}]::text[]" if t == "text[]" else f"{lit}::{t}"
                            if i in regs and rel:
                                return f"{rel}::regclass"
                            return None

                        call = _call_sql(sig, types, max(nargs - ndef, pos + 1), 0, value_for)
                        with db.transaction(force_rollback=True):
                            result = _outcome(db, call)
                            if result[0] == "error" and result[1] == "42601":
                                problems.append(f"{sig} <- {payload!r}: syntax error {result[2]}")
                            alive = db.execute(
                                "select to_regclass('public.t_canary') is not null, (select count(*) from core.ward)"
                            ).fetchone()
                            if alive != (True, 145):
                                problems.append(f"{sig} <- {payload!r}: side effect {alive}")
    finally:
        db.rollback()
        db.execute("drop materialized view analytics.t_inj_mv")
        db.execute("drop table pulse.t_inj, public.t_canary")
        db.commit()
    return problems


def test_injection_into_every_dynamic_sql_function(db):
    functions = dynamic_functions(db)
    names = {f[1].split("(")[0] for f in functions}
    assert {"audit.enable_ward_rls", "audit.enable_audit", "audit.protect_ward_matview"} <= names
    assert inject(db, functions) == []


def test_the_injection_harness_catches_concatenated_sql(db):
    db.execute("""create function analytics.t_concat(p_term text) returns bigint language plpgsql volatile
                  as $$ declare n bigint; begin
                  execute 'select count(*) from core.post where text like ''%' || p_term || '%''' into n;
                  return n; end $$""")
    db.commit()
    try:
        fns = [f for f in dynamic_functions(db) if f[1].startswith("analytics.t_concat")]
        assert inject(db, fns) != []
    finally:
        db.rollback()
        db.execute("drop function analytics.t_concat(text)")
        db.commit()


def test_registry_refuses_an_injected_check_function(db):
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute(
            "insert into ops.integrity_check values ('evil', 'ops.x(); drop table core.ward; select ops.y', 'x')"
        )
    db.rollback()


def test_injection_as_ward_names_and_search_terms_into_every_api_function(db):
    """Every stable function of the product with a text argument (ward names, search terms)."""
    functions = db.execute(
        PRODUCT_FUNCS.format(
            cond="p.provolatile in ('s', 'i') and p.prorettype <> 'trigger'::regtype "
            "and exists (select 1 from unnest(p.proargtypes::regtype[]) t "
            "where t in ('text'::regtype, 'character varying'::regtype))"
        )
    ).fetchall()
    names = {f[1].split("(")[0] for f in functions}
    assert {"analytics.search_posts", "analytics.get_ward_intelligence_fast", "core.resolve_ward"} <= names
    assert inject(db, functions) == []
