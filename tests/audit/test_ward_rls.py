"""Row-level security by ward: an analyst assigned to some wards sees exactly those wards'
rows through every table, view and API function, and nothing of any other ward.

Ward-bearing relations are discovered from the catalog (audit.ward_scoped_table), so tables,
views and functions added by later modules are covered without touching this file.
"""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from .helpers import as_role, sqlstate_of

WARDS = ["Kapra", "Uppal", "Jubilee Hills", "Banjara Hills", "Tarnaka", "Old Malakpet"]
NOW = dt.datetime(2026, 11, 15, 12, 0, tzinfo=dt.UTC)


def seed(conn, posts, alerts, epapers):
    """posts/alerts: list of ward names; epapers: list of ward names or None."""
    for i, ward in enumerate(posts):
        text = f"post {i} about {ward}"
        when = NOW - dt.timedelta(days=i % 40)
        conn.execute(
            "insert into core.post (created_at, city, text, fingerprint) "
            "values (%s, %s, %s, core.post_fingerprint(%s, null, %s, %s))",
            [when, ward, text, ward, when, text],
        )
    for i, ward in enumerate(alerts):
        conn.execute("insert into core.alert (ward_name, description) values (%s, %s)", [ward, f"alert {i}"])
    for i, ward in enumerate(epapers):
        conn.execute(
            "insert into core.epaper (publication_name, publication_date, raw_text, city) "
            "values ('Deccan', %s, %s, %s)",
            [NOW.date(), f"edition {i} {ward}", ward],
        )


def ward_relations(conn):
    return conn.execute(
        "select table_schema, table_name, kind, ward_column from audit.ward_scoped_table "
        "where status <> 'exempt' order by 1, 2"
    ).fetchall()


def test_every_ward_relation_is_protected(db):
    rows = db.execute(
        "select table_schema, table_name, kind, status from audit.ward_scoped_table where status = 'unprotected'"
    ).fetchall()
    assert rows == []
    names = {(s, t) for s, t, *_ in ward_relations(db)}
    assert {("core", "post"), ("core", "alert"), ("core", "epaper")} <= names
    # every ward table carries the standard policy (or its own, like the assignments)
    no_policy = db.execute(
        "select table_schema, table_name from audit.ward_scoped_table "
        "where kind in ('table', 'partitioned table') and status <> 'exempt' and not has_policy"
    ).fetchall()
    assert no_policy == []


def test_partitions_of_ward_tables_are_closed(db):
    """Policies on a partitioned parent do not apply to its partitions: grants must close them."""
    leaks = db.execute("""
        select i.inhrelid::regclass::text, g.rolname
          from pg_class p
          join pg_inherits i on i.inhparent = p.oid
          cross join (values ('lokdarpan_readonly'), ('lokdarpan_analyst'), ('public')) g(rolname)
         where p.relrowsecurity and p.relkind = 'p'
           and (case when g.rolname = 'public'
                     then exists (select 1 from pg_class c, aclexplode(c.relacl) a
                                   where c.oid = i.inhrelid and a.grantee = 0)
                     else has_table_privilege(g.rolname, i.inhrelid, 'select') end)""").fetchall()
    assert leaks == []
    assert db.execute("select count(*) from pg_inherits where inhparent = 'core.post'::regclass").fetchone()[0] > 1


def test_direct_partition_read_is_refused(db, roles):
    analyst = roles.login("lokdarpan_analyst", "an")
    roles.assign(analyst, "Kapra")
    part = db.execute(
        "select partition_schema || '.' || partition_name from core.partitions_of('core.post') "
        "where not is_default limit 1"
    ).fetchone()[0]
    with as_role(db, analyst):
        assert sqlstate_of(db, f"select * from {part}") == "42501"
        assert sqlstate_of(db, "select * from core.post_default") == "42501"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    assigned=st.sets(st.sampled_from(WARDS), max_size=3),
    posts=st.lists(st.sampled_from(WARDS), max_size=12),
    alerts=st.lists(st.sampled_from(WARDS), max_size=6),
    epapers=st.lists(st.one_of(st.none(), st.sampled_from(WARDS)), max_size=4),
)
def test_analyst_sees_exactly_the_assigned_wards(db, roles, assigned, posts, alerts, epapers):
    analyst = roles.login("lokdarpan_analyst", "an")
    roles.assign(analyst, *sorted(assigned))
    try:
        seed(db, posts, alerts, epapers)
        with as_role(db, analyst):
            got_posts = sorted(r[0] for r in db.execute("select city from core.post"))
            got_alerts = sorted(r[0] for r in db.execute("select ward_name from core.alert"))
            got_epapers = sorted((r[0] or "") for r in db.execute("select city from core.epaper"))
            # every other ward-bearing relation: no row of an unassigned ward
            for schema, name, _kind, col in ward_relations(db):
                query = sql.SQL("select count(*) from {}.{} where {} is not null and not ({} = any(%s))").format(
                    sql.Identifier(schema), sql.Identifier(name), sql.Identifier(col), sql.Identifier(col)
                )
                try:
                    with db.transaction():
                        leaked = db.execute(query, [sorted(assigned)]).fetchone()[0]
                except psycopg.errors.InsufficientPrivilege:
                    continue  # closed to analysts altogether
                assert leaked == 0, f"{schema}.{name} shows rows of unassigned wards"
        # plain-Python oracle
        assert got_posts == sorted(w for w in posts if w in assigned)
        assert got_alerts == sorted(w for w in alerts if w in assigned)
        assert got_epapers == sorted((w or "") for w in epapers if w is None or w in assigned)
    finally:
        db.rollback()
        roles.drop_all()
        roles.created.clear()


def test_analyst_cannot_write_or_move_rows_into_other_wards(db, roles):
    analyst = roles.login("lokdarpan_analyst", "an")
    roles.assign(analyst, "Kapra")
    seed(db, [], ["Kapra", "Uppal"], [])
    db.commit()
    with as_role(db, analyst):
        assert sqlstate_of(db, "insert into core.alert (ward_name, description) values ('Kapra', 'ok')") is None
        assert sqlstate_of(db, "insert into core.alert (ward_name, description) values ('Uppal', 'x')") == "42501"
        assert sqlstate_of(db, "update core.alert set ward_name = 'Uppal' where ward_name = 'Kapra'") == "42501"
        # rows of other wards are invisible to UPDATE: nothing changes
        cur = db.execute("update core.alert set description = 'hijack' where ward_name = 'Uppal'")
        assert cur.rowcount == 0
        assert sqlstate_of(db, "delete from core.alert") == "42501"  # no DELETE grant
        assert (
            sqlstate_of(
                db,
                "insert into core.post (created_at, city, text, fingerprint) values (now(), 'Kapra', 'x', '\\x00')",
            )
            == "42501"
        )
    db.rollback()


def test_group_assignment_reaches_members_and_full_access_roles_see_all(db, roles):
    seed(db, WARDS, [], [])
    db.commit()
    member = roles.login("lokdarpan_readonly", "ro")
    team = roles.login(None, "team")
    db.execute(sql.SQL("grant {} to {}").format(sql.Identifier(team), sql.Identifier(member)))
    roles.assign(team, "Tarnaka", "Uppal")
    with as_role(db, member):
        assert sorted(r[0] for r in db.execute("select city from core.post")) == ["Tarnaka", "Uppal"]
        assert db.execute("select audit.visible_wards()").fetchone()[0] == ["Tarnaka", "Uppal"]
    nobody = roles.login("lokdarpan_readonly", "none")
    with as_role(db, nobody):
        assert db.execute("select count(*) from core.post").fetchone()[0] == 0
    for group in ("lokdarpan_admin", "lokdarpan_app", "lokdarpan_ingest"):
        login = roles.login(group, group.split("_")[1][:3])
        with as_role(db, login):
            assert db.execute("select count(*) from core.post").fetchone()[0] == len(WARDS), group
    db.rollback()


def test_enable_ward_rls_covers_a_new_module_table(db, roles):
    """What a later module does in its change: create the table, grant, enable_ward_rls."""
    db.execute(
        "create table pulse.t_ward_score (score_id int primary key, "
        "ward_name text not null references core.ward (ward_name), score int)"
    )
    assert (
        db.execute("select status from audit.ward_scoped_table where table_name = 't_ward_score'").fetchone()[0]
        == "unprotected"
    )
    assert (
        db.execute("select status from ops.validate_data_integrity() where check_name = 'ward_rls'").fetchone()[0]
        == "FAIL"
    )
    db.execute("grant select on pulse.t_ward_score to lokdarpan_readonly")
    db.execute("insert into pulse.t_ward_score values (1, 'Kapra', 5), (2, 'Uppal', 7)")
    db.execute("select audit.enable_ward_rls('pulse.t_ward_score', 'ward_name')")
    assert (
        db.execute("select status from ops.validate_data_integrity() where check_name = 'ward_rls'").fetchone()[0]
        == "PASS"
    )
    db.commit()
    analyst = roles.login("lokdarpan_analyst", "an")
    roles.assign(analyst, "Uppal")
    with as_role(db, analyst):
        assert db.execute("select score_id from pulse.t_ward_score").fetchall() == [(2,)]
    db.execute("select audit.disable_ward_rls('pulse.t_ward_score')")
    assert (
        db.execute("select relrowsecurity from pg_class where oid = 'pulse.t_ward_score'::regclass").fetchone()[0]
        is False
    )
    assert sqlstate_of(db, "select audit.enable_ward_rls('pulse.t_ward_score', 'nope')") == "42703"
    assert sqlstate_of(db, "select audit.enable_ward_rls('pulse.t_ward_score', 'score')") == "42804"
    db.rollback()
    db.execute("drop table pulse.t_ward_score")
    db.commit()


def test_materialized_view_is_closed_and_exposed_by_ward(db, roles):
    seed(db, ["Kapra", "Kapra", "Uppal"], [], [])
    db.execute(
        "create materialized view analytics.t_ward_counts as "
        "select city as ward_name, count(*) as posts from core.post group by city"
    )
    db.execute("grant select on analytics.t_ward_counts to lokdarpan_readonly")
    assert (
        db.execute("select status from audit.ward_scoped_table where table_name = 't_ward_counts'").fetchone()[0]
        == "unprotected"
    )
    view = db.execute("select audit.protect_ward_matview('analytics.t_ward_counts', 'ward_name')").fetchone()[0]
    assert view == "analytics.t_ward_counts_by_ward"
    statuses = dict(
        db.execute(
            "select table_name, status from audit.ward_scoped_table where table_name like 't_ward_counts%'"
        ).fetchall()
    )
    assert statuses == {"t_ward_counts": "protected", "t_ward_counts_by_ward": "protected"}
    db.commit()
    analyst = roles.login("lokdarpan_analyst", "an")
    roles.assign(analyst, "Uppal")
    try:
        with as_role(db, analyst):
            assert sqlstate_of(db, "select * from analytics.t_ward_counts") == "42501"
            assert db.execute("select ward_name, posts from analytics.t_ward_counts_by_ward").fetchall() == [
                ("Uppal", 1)
            ]
            # a security barrier: a leaky function in the caller's WHERE sees only visible rows
            db.execute(
                "create function pg_temp.leak(text) returns boolean language plpgsql cost 0.0001 "
                "as $$ begin raise notice 'saw %', $1; return true; end $$"
            )
            seen = []
            db.add_notice_handler(lambda d: seen.append(d.message_primary))
            db.execute("select * from analytics.t_ward_counts_by_ward where pg_temp.leak(ward_name)").fetchall()
            assert all("Kapra" not in s for s in seen)
            assert any("Uppal" in s for s in seen)
    finally:
        db.rollback()
        db.execute("select audit.unprotect_ward_matview('analytics.t_ward_counts_by_ward')")
        db.execute("drop materialized view analytics.t_ward_counts")
        db.commit()


def _api_functions(conn):
    """Stable/immutable functions of the product with a ward-like text argument (API readers)."""
    return conn.execute("""
        select p.oid::regprocedure::text, p.oid, p.proargnames, p.proargtypes::regtype[]::text[],
               p.pronargdefaults, p.pronargs
          from pg_proc p join ops.product_schema s on s.schema_oid = p.pronamespace
         where p.prokind = 'f' and p.provolatile in ('s', 'i')
           and s.schema_name not in ('audit', 'ops')
           and p.prorettype <> 'trigger'::regtype
           and exists (select 1 from unnest(p.proargnames[1:p.pronargs]) a(n)
                        where a.n ~* '(ward|city)')
         order by 1""").fetchall()


SAMPLE = {
    "integer": "30",
    "bigint": "30",
    "smallint": "30",
    "numeric": "1",
    "double precision": "1",
    "real": "1",
    "boolean": "true",
    "date": "date '2026-11-15'",
    "timestamp with time zone": "timestamptz '2026-11-15 12:00+00'",
    "timestamp without time zone": "timestamp '2026-11-15 12:00'",
    "interval": "interval '30 days'",
    "text": "'about'",
    "character varying": "'water'",
    "jsonb": "'{}'::jsonb",
    "text[]": "'{}'::text[]",
    "vector": "array_fill(0.01::real, array[384])::extensions.vector",
    "extensions.vector": "array_fill(0.01::real, array[384])::extensions.vector",
}


def _is_ward_arg(name, typ):
    return typ in ("text", "character varying") and any(k in (name or "").lower() for k in ("ward", "city"))


def _call(fn_oid_text, names, types, nargs, ndefaults, ward):
    """A call passing every argument without a default and every ward-like argument (the
    defaults of the others apply); the ward-like ones get ``ward``, the others sample values."""
    names = names or [""] * nargs
    wards = [i for i in range(nargs) if _is_ward_arg(names[i], types[i])]
    args = []
    for i in range(max(nargs - ndefaults, max(wards, default=-1) + 1)):
        if i in wards:
            args.append(psycopg.sql.Literal(ward).as_string(None))
        else:
            args.append(SAMPLE.get(types[i], "null") + f"::{types[i]}")
    fname = fn_oid_text.split("(")[0]
    return f"select * from {fname}({', '.join(args)})"


def find_leaks(db, analyst, functions):
    """Functions whose result for the unassigned ward Uppal, called by ``analyst``, differs from
    what an all-seeing role gets for Uppal once Uppal's rows are gone."""
    relations = [r for r in ward_relations(db) if r[2] in ("table", "partitioned table")]
    matviews = [r for r in ward_relations(db) if r[2] == "materialized view"]
    leaks = []
    for sig, _oid, names, types, ndefaults, nargs in functions:
        call = _call(sig, names, types, nargs, ndefaults, "Uppal")
        with db.transaction(force_rollback=True):
            for schema, name, _k, col in relations:
                try:
                    with db.transaction():
                        db.execute(
                            sql.SQL("delete from {}.{} where {} = 'Uppal'").format(
                                sql.Identifier(schema), sql.Identifier(name), sql.Identifier(col)
                            )
                        )
                except psycopg.Error:
                    pass
            for schema, name, _k, _c in matviews:
                db.execute(
                    sql.SQL("refresh materialized view {}.{}").format(sql.Identifier(schema), sql.Identifier(name))
                )
            try:
                with db.transaction():
                    baseline = db.execute(call).fetchall()
            except psycopg.Error as exc:
                baseline = exc.sqlstate
        with db.transaction(force_rollback=True), as_role(db, analyst):
            try:
                with db.transaction():
                    got = db.execute(call).fetchall()
            except psycopg.errors.InsufficientPrivilege:
                continue
            except psycopg.Error as exc:
                got = exc.sqlstate
        if got != baseline:
            leaks.append(sig)
    return leaks


@pytest.fixture
def seeded_analyst(db, roles):
    seed(db, ["Kapra", "Uppal", "Uppal"], ["Uppal"], ["Uppal"])
    db.commit()
    analyst = roles.login("lokdarpan_analyst", "an")
    roles.assign(analyst, "Kapra")
    return analyst


def test_api_functions_show_nothing_of_other_wards(db, seeded_analyst):
    """Every API function of every module (discovered from the catalog)."""
    functions = _api_functions(db)
    names = {f[0].split("(")[0] for f in functions}
    assert {"analytics.get_ward_intelligence_fast", "analytics.search_posts"} <= names
    assert find_leaks(db, seeded_analyst, functions) == []


def test_api_functions_show_an_analyst_its_own_wards_in_full(db, seeded_analyst):
    """The positive control: for an assigned ward the analyst gets what an all-seeing role gets."""
    short = []
    for sig, _oid, names, types, ndefaults, nargs in _api_functions(db):
        call = _call(sig, names, types, nargs, ndefaults, "Kapra")
        with db.transaction(force_rollback=True):
            full = db.execute(call).fetchall()
        with db.transaction(force_rollback=True), as_role(db, seeded_analyst):
            try:
                with db.transaction():
                    mine = db.execute(call).fetchall()
            except psycopg.errors.InsufficientPrivilege:
                continue  # the module did not grant this function's tables to analysts
            except psycopg.Error as exc:
                mine = exc.sqlstate
        if mine != full:
            short.append(f"{sig}: {mine!r} != {full!r}")
    assert short == []


def test_the_leak_oracle_catches_a_definer_function_without_a_ward_check(db, seeded_analyst):
    db.execute("""create function analytics.t_leaky(p_ward text) returns bigint language sql stable
                  security definer set search_path = pg_catalog, core
                  as $$ select count(*) from core.post where city = p_ward $$""")
    db.execute("""create function analytics.t_guarded(p_ward text) returns bigint language sql stable
                  security definer set search_path = pg_catalog, core
                  as $$ select count(*) from core.post
                        where city = p_ward and audit.can_see_ward(p_ward) $$""")
    db.execute("""create function analytics.t_invoker(p_ward text) returns bigint language sql stable
                  set search_path = pg_catalog, core
                  as $$ select count(*) from core.post where city = p_ward $$""")
    db.commit()
    try:
        found = [f for f in _api_functions(db) if f[0].startswith("analytics.t_")]
        assert len(found) == 3
        assert find_leaks(db, seeded_analyst, found) == ["analytics.t_leaky(text)"]
    finally:
        db.rollback()
        db.execute("drop function analytics.t_leaky(text), analytics.t_guarded(text), analytics.t_invoker(text)")
        db.commit()
