"""The audit trail: what it records, that nobody can change or remove it, and that bulk posts
are not audited row by row."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from .helpers import GROUPS, as_role, sqlstate_of


def log_rows(conn, table):
    return conn.execute(
        "select operation, old_row, new_row, acting_role, session_role, app_user, transaction_id "
        "from audit.audit_log where table_name = %s order by audit_id",
        [table],
    ).fetchall()


def test_user_changes_are_logged_with_redacted_password(db, roles):
    app = roles.login("lokdarpan_app", "app")
    with as_role(db, app):
        db.execute("set local lokdarpan.app_user = 'asha@example.org'")
        db.execute(
            "insert into core.app_user (username, email, password_hash) "
            "values ('asha', 'asha@example.org', 'argon2-hash-aaaaaaaaaaaaaaaa')"
        )
        db.execute(
            "update core.app_user set password_hash = 'argon2-hash-bbbbbbbbbbbbbbbb', "
            "failed_login_count = 1 where username = 'asha'"
        )
        xid = db.execute("select pg_current_xact_id()::text::bigint").fetchone()[0]
    db.execute("delete from core.app_user where username = 'asha'")
    rows = log_rows(db, "app_user")
    assert [r[0] for r in rows] == ["INSERT", "UPDATE", "DELETE"]
    ins, upd, dele = rows
    assert ins[2]["username"] == "asha" and ins[2]["password_hash"] == "<redacted>" and ins[1] is None
    assert upd[1]["failed_login_count"] == 0 and upd[2]["failed_login_count"] == 1
    assert upd[1]["password_hash"] == upd[2]["password_hash"] == "<redacted>"
    assert "argon2" not in str(rows)
    assert ins[3] == app and ins[5] == "asha@example.org" and ins[6] == xid
    assert dele[3] != app and dele[2] is None  # done by the superuser after RESET ROLE
    db.rollback()


def test_alerts_and_ward_assignments_are_logged_posts_are_not(db, roles):
    analyst = roles.login("lokdarpan_analyst", "an")
    roles.assign(analyst, "Kapra")
    assign = log_rows(db, "ward_assignment")
    assert [(r[0], r[2]["role_name"], r[2]["ward_name"]) for r in assign] == [("INSERT", analyst, "Kapra")]
    with as_role(db, analyst):
        db.execute("insert into core.alert (ward_name, description) values ('Kapra', 'water cut')")
    db.execute(
        "insert into core.post (created_at, city, text, fingerprint) "
        "select now(), 'Kapra', 'p' || g, core.post_fingerprint('Kapra', null, now(), 'p' || g) "
        "from generate_series(1, 50) g"
    )
    alert = log_rows(db, "alert")
    assert len(alert) == 1 and alert[0][3] == analyst and alert[0][2]["description"] == "water cut"
    assert db.execute("select count(*) from audit.audit_log where table_name like 'post%'").fetchone()[0] == 0
    db.execute("truncate core.alert cascade")  # crisis events reference alerts
    assert log_rows(db, "alert")[-1][0] == "TRUNCATE"
    db.rollback()


def test_audit_log_is_append_only_for_every_role(db, roles):
    db.execute("insert into core.alert (ward_name, description) values ('Kapra', 'x')")
    db.commit()
    assert db.execute("select count(*) from audit.audit_log").fetchone()[0] >= 1
    attempts = {
        "update": "update audit.audit_log set app_user = 'forged'",
        "delete": "delete from audit.audit_log",
        "truncate": "truncate audit.audit_log",
        "insert": "insert into audit.audit_log (table_schema, table_name, operation, new_row, "
        "transaction_id) values ('core', 'alert', 'INSERT', '{}', 1)",
    }
    logins = [roles.login(g, g.split("_")[1][:3]) for g in GROUPS]
    for role in [*GROUPS, *logins]:
        with as_role(db, role):
            for what, stmt in attempts.items():
                assert sqlstate_of(db, stmt) == "42501", (role, what)
    # the owner (superuser) is refused by the trigger as well, row by row and by TRUNCATE
    for what in ("update", "delete", "truncate"):
        assert sqlstate_of(db, attempts[what]) == "42501", what
    part = db.execute(
        "select partition_schema || '.' || partition_name from core.partitions_of('audit.audit_log') limit 1"
    ).fetchone()[0]
    assert sqlstate_of(db, f"delete from {part}") == "42501"
    assert sqlstate_of(db, f"update {part} set app_user = 'x'") == "42501"
    # only admin (and its members) may read it
    admin = logins[GROUPS.index("lokdarpan_admin")]
    with as_role(db, admin):
        assert db.execute("select count(*) from audit.audit_log").fetchone()[0] >= 1
    with as_role(db, logins[GROUPS.index("lokdarpan_analyst")]):
        assert sqlstate_of(db, "select * from audit.audit_log") == "42501"


def test_partitions_ahead_and_no_default_partition(db):
    parts = db.execute("select partition_name, is_default from core.partitions_of('audit.audit_log')").fetchall()
    assert not any(d for _, d in parts)
    names = {n for n, _ in parts}
    months = db.execute(
        "select to_char(date_trunc('month', now()) + make_interval(months => g), "
        "'\"audit_log_p\"YYYY_MM') from generate_series(0, 6) g"
    ).fetchall()
    assert {m for (m,) in months} <= names
    assert db.execute("select status from ops.check_future_partitions() ").fetchone()[0] == "PASS"


def test_enable_audit_on_a_module_table_and_its_guards(db, roles):
    db.execute("create table crisis.t_event (event_id int primary key, ward_name text, secret text)")
    assert (
        db.execute("select audit.enable_audit('crisis.t_event', array['secret'])").fetchone()[0]
        == "auditing crisis.t_event (redacted: secret)"
    )
    db.execute("select audit.enable_audit('crisis.t_event', array['secret'])")  # idempotent
    db.execute("insert into crisis.t_event values (1, 'Kapra', 's3cret')")
    rows = log_rows(db, "t_event")
    assert len(rows) == 1 and rows[0][2]["secret"] == "<redacted>"
    db.execute("select audit.disable_audit('crisis.t_event')")
    db.execute("insert into crisis.t_event values (2, 'Kapra', null)")
    assert len(log_rows(db, "t_event")) == 1
    assert sqlstate_of(db, "select audit.enable_audit('crisis.t_event', array['nope'])") == "42703"
    assert sqlstate_of(db, "select audit.enable_audit('audit.audit_log')") == "22023"
    db.commit()
    analyst = roles.login("lokdarpan_admin", "adm")
    with as_role(db, analyst):
        assert sqlstate_of(db, "select audit.disable_audit('core.alert')") == "42501"
    db.execute("drop table crisis.t_event")
    db.commit()


@pytest.mark.parametrize("value", ["'; drop table core.ward; --", "x\\", '"quoted"', "$$ $x$"])
def test_app_user_setting_is_stored_verbatim(db, value):
    db.execute("select set_config('lokdarpan.app_user', %s, true)", [value])
    db.execute("insert into core.alert (ward_name, description) values ('Kapra', 'x')")
    assert log_rows(db, "alert")[-1][5] == value
    assert db.execute("select count(*) from core.ward").fetchone()[0] == 145
    db.rollback()


def test_ward_assignment_rows_are_private_and_admin_managed(db, roles):
    a = roles.login("lokdarpan_analyst", "a")
    b = roles.login("lokdarpan_analyst", "b")
    roles.assign(a, "Kapra")
    roles.assign(b, "Uppal")
    with as_role(db, a):
        assert db.execute("select role_name, ward_name from audit.ward_assignment").fetchall() == [(a, "Kapra")]
        assert (
            sqlstate_of(db, "insert into audit.ward_assignment (role_name, ward_name) values (%s, 'Uppal')", [a])
            == "42501"
        )
        assert sqlstate_of(db, "select audit.assign_ward(%s, 'Uppal')", [a]) == "42501"
    admin = roles.login("lokdarpan_admin", "adm")
    with as_role(db, admin):
        assert db.execute("select audit.assign_ward(%s, 'uppal')", [a]).fetchone()[0] == "Uppal"
        assert (
            db.execute("select count(*) from audit.ward_assignment where role_name in (%s, %s)", [a, b]).fetchone()[0]
            == 3
        )
        assert db.execute("select audit.unassign_ward(%s, 'Uppal')", [a]).fetchone()[0] is True
    assert sqlstate_of(db, "select audit.assign_ward('t_nobody_here', 'Kapra')") == "42704"
    assert sqlstate_of(db, "select audit.assign_ward(%s, 'Atlantis')", [a]) == "P0002"
    db.rollback()
    _ = psycopg, sql


def test_privilege_changes_are_logged(db, roles):
    admin = roles.login("lokdarpan_admin", "adm")
    db.execute("create table pulse.t_granted (granted_id int primary key)")
    last = db.execute("select coalesce(max(audit_id), 0) from audit.audit_log").fetchone()[0]
    db.execute("select set_config('lokdarpan.app_user', 'dba-ticket-42', true)")
    db.execute("grant select on pulse.t_granted to lokdarpan_readonly")
    db.execute("revoke select on pulse.t_granted from lokdarpan_readonly")
    db.execute("alter default privileges in schema pulse grant select on tables to lokdarpan_admin")
    rows = db.execute(
        "select operation, table_name, new_row ->> 'statement', app_user, acting_role from audit.audit_log "
        "where operation in ('GRANT', 'REVOKE', 'ALTER DEFAULT PRIVILEGES') and audit_id > %s order by audit_id",
        [last],
    ).fetchall()
    assert [r[0] for r in rows] == ["GRANT", "REVOKE", "ALTER DEFAULT PRIVILEGES"]
    assert "grant select on pulse.t_granted to lokdarpan_readonly" in rows[0][2]
    assert rows[0][3] == "dba-ticket-42" and rows[0][4] == db.info.user
    # a grantor without any right on the log is recorded too
    db.execute(f"alter table pulse.t_granted owner to {admin}")
    with as_role(db, admin):
        db.execute("grant select on pulse.t_granted to lokdarpan_readonly")
    assert (
        db.execute(
            "select acting_role from audit.audit_log where operation = 'GRANT' order by audit_id desc limit 1"
        ).fetchone()[0]
        == admin
    )
    db.rollback()
