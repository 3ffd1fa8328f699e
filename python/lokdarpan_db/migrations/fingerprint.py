"""A fingerprint of everything the plan can create in a database, for revert-fidelity checks.

Each section is a sorted list of text rows built from the system catalogs by name (never by
oid), so two databases with the same schema give the same fingerprint. Excluded: the system
schemas and the migration tools' own bookkeeping (lokdarpan_meta, sqitch, yoyo's tables).
Roles are cluster-wide; the ``roles`` section lists the ones whose names start with lokdarpan.
An access list equal to the owner's default (what GRANT followed by REVOKE leaves behind) is
written as the empty default, as PostgreSQL itself treats it.
"""

from __future__ import annotations

import psycopg

_OURS = """n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'lokdarpan_meta',
                          'sqitch')
       and n.nspname not like 'pg_temp%%' and n.nspname not like 'pg_toast_temp%%'"""
_NOT_TOOLS = (
    "c.relname not in ('_yoyo_migration', '_yoyo_log', '_yoyo_version', 'yoyo_lock',"
    " '_yoyo_migration_id_seq', '_yoyo_log_pkey', '_yoyo_migration_pkey',"
    " '_yoyo_version_pkey', 'yoyo_lock_pkey')"
)
# objects that belong to an extension are the extension's, not ours
_NOT_EXT = "not exists (select 1 from pg_depend d where d.objid = {oid} and d.deptype = 'e')"


def _acl(expr: str) -> str:
    """An ACL as the sorted list of its grants: a set, whatever order the GRANTs (or default
    privileges) came in. A revert that recreates an object grants in its own order."""
    return f"coalesce((select string_agg(g::text, ',' order by g::text) from unnest({expr}) g), '')"


_REL_ACL = """nullif(c.relacl, acldefault(case c.relkind when 'S' then 's'::"char" else 'r'::"char" end, c.relowner))"""


SECTIONS: dict[str, str] = {
    "schemas": f"""
        select n.nspname || ' owner=' || pg_get_userbyid(n.nspowner) || ' acl='
               || {_acl("nullif(n.nspacl, acldefault('n', n.nspowner))")} || ' comment=' || coalesce(obj_description(n.oid,
               'pg_namespace'), '')
          from pg_namespace n where {_OURS} and n.nspname <> 'public'""",
    "public_schema": """
        select 'public acl=' || coalesce(n.nspacl::text, '') || ' comment=' ||
               coalesce(obj_description(n.oid, 'pg_namespace'), '')
          from pg_namespace n where n.nspname = 'public'""",
    "extensions": """
        select e.extname || ' ' || e.extversion || ' in ' || n.nspname || ' comment='
               || coalesce(obj_description(e.oid, 'pg_extension'), '')
          from pg_extension e join pg_namespace n on n.oid = e.extnamespace""",
    "relations": f"""
        select n.nspname || '.' || c.relname || ' kind=' || c.relkind::text || ' persist='
               || c.relpersistence::text || ' rls=' || c.relrowsecurity || '/' || c.relforcerowsecurity
               || ' opts=' || coalesce(c.reloptions::text, '') || ' owner='
               || pg_get_userbyid(c.relowner) || ' acl=' || {_acl(_REL_ACL)}
               || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '')
               || ' partkey=' || coalesce(pg_get_partkeydef(c.oid), '')
               || ' bound=' || coalesce(pg_get_expr(c.relpartbound, c.oid), '')
               || ' parent=' || coalesce((select pn.nspname || '.' || p.relname from pg_inherits i
                    join pg_class p on p.oid = i.inhparent join pg_namespace pn
                    on pn.oid = p.relnamespace where i.inhrelid = c.oid limit 1), '')
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where {_OURS} and {_NOT_TOOLS} and {_NOT_EXT.format(oid="c.oid")}""",
    "columns": f"""
        select n.nspname || '.' || c.relname || '.' || a.attname || ' ' ||
               format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull ||
               ' default=' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') || ' identity='
               || a.attidentity::text || ' generated=' || a.attgenerated::text || ' collation='
               || coalesce((select collname from pg_collation where oid = a.attcollation
                            and a.attcollation <> 100), '')
               || ' acl=' || {_acl("a.attacl")} || ' comment='
               || coalesce(col_description(c.oid, a.attnum), '') || ' pos='
               -- the position among live columns (as pg_dump orders them): a column a change
               -- drops and its revert adds back lands where it was, at the end, on a new attnum
               || (select count(*) from pg_attribute b where b.attrelid = a.attrelid and b.attnum > 0
                     and b.attnum <= a.attnum and not b.attisdropped)
          from pg_attribute a join pg_class c on c.oid = a.attrelid
          join pg_namespace n on n.oid = c.relnamespace
          left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
         where a.attnum > 0 and not a.attisdropped and {_OURS} and {_NOT_TOOLS}
           and {_NOT_EXT.format(oid="c.oid")}""",
    "constraints": f"""
        select n.nspname || '.' || coalesce(c.relname, t.typname) || ' ' || k.conname || ' '
               || pg_get_constraintdef(k.oid) || ' deferrable=' || k.condeferrable || '/'
               || k.condeferred || ' valid=' || k.convalidated || ' comment='
               || coalesce(obj_description(k.oid, 'pg_constraint'), '')
          from pg_constraint k join pg_namespace n on n.oid = k.connamespace
          left join pg_class c on c.oid = k.conrelid left join pg_type t on t.oid = k.contypid
         where {_OURS} and (c.relname is null or c.relname not like '%%yoyo%%')""",
    "indexes": f"""
        select pg_get_indexdef(i.indexrelid) || ' valid=' || i.indisvalid || ' comment='
               || coalesce(obj_description(i.indexrelid, 'pg_class'), '')
          from pg_index i join pg_class c on c.oid = i.indrelid
          join pg_namespace n on n.oid = c.relnamespace
         where {_OURS} and {_NOT_TOOLS} and {_NOT_EXT.format(oid="c.oid")}""",
    "functions": f"""
        select pg_get_functiondef(p.oid) || ' owner=' || pg_get_userbyid(p.proowner) || ' acl='
               || {_acl("nullif(p.proacl, acldefault('f', p.proowner))")} || ' comment='
               || coalesce(obj_description(p.oid, 'pg_proc'), '')
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where {_OURS} and p.prokind <> 'a' and {_NOT_EXT.format(oid="p.oid")}""",
    "aggregates": f"""
        select n.nspname || '.' || p.proname || '(' || pg_get_function_arguments(p.oid) || ')'
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where {_OURS} and p.prokind = 'a' and {_NOT_EXT.format(oid="p.oid")}""",
    "triggers": f"""
        select pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text || ' comment='
               || coalesce(obj_description(t.oid, 'pg_trigger'), '')
          from pg_trigger t join pg_class c on c.oid = t.tgrelid
          join pg_namespace n on n.oid = c.relnamespace
         where not t.tgisinternal and {_OURS}""",
    "event_triggers": """select evtname || ' ' || evtevent || ' ' || evtfoid::regproc::text
                           from pg_event_trigger""",
    "views": f"""
        select n.nspname || '.' || c.relname || ' ' || pg_get_viewdef(c.oid)
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('v', 'm') and {_OURS}""",
    "policies": f"""
        select n.nspname || '.' || c.relname || ' ' || p.polname || ' ' || p.polcmd::text || ' '
               || p.polpermissive || ' roles=' || array(select case r when 0 then 'public'
               else pg_get_userbyid(r) end from unnest(p.polroles) r order by 1)::text
               || ' using=' || coalesce(pg_get_expr(p.polqual, p.polrelid), '')
               || ' check=' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
          from pg_policy p join pg_class c on c.oid = p.polrelid
          join pg_namespace n on n.oid = c.relnamespace where {_OURS}""",
    "sequences": f"""
        select n.nspname || '.' || c.relname || ' ' || format_type(s.seqtypid, null) || ' '
               || s.seqstart || ' ' || s.seqincrement || ' ' || s.seqmax || ' ' || s.seqmin
               || ' ' || s.seqcache || ' ' || s.seqcycle
          from pg_sequence s join pg_class c on c.oid = s.seqrelid
          join pg_namespace n on n.oid = c.relnamespace where {_OURS} and {_NOT_TOOLS}""",
    "types": f"""
        select n.nspname || '.' || t.typname || ' ' || t.typtype::text || ' ' ||
               coalesce((select string_agg(e.enumlabel, ',' order by e.enumsortorder)
                         from pg_enum e where e.enumtypid = t.oid), '')
               || ' base=' || coalesce(format_type(t.typbasetype, t.typtypmod), '')
               || ' comment=' || coalesce(obj_description(t.oid, 'pg_type'), '')
          from pg_type t join pg_namespace n on n.oid = t.typnamespace
         where {_OURS} and t.typtype in ('e', 'd', 'c', 'r', 'm')
           and (t.typtype <> 'c' or (select relkind from pg_class where oid = t.typrelid) = 'c')
           and {_NOT_EXT.format(oid="t.oid")}""",
    "default_privileges": f"""
        select pg_get_userbyid(d.defaclrole) || ' ' || coalesce(n.nspname, '*') || ' '
               || d.defaclobjtype::text || ' ' || {_acl("d.defaclacl")}
          from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace""",
    "roles": """
        select r.rolname || ' login=' || r.rolcanlogin || ' inherit=' || r.rolinherit
               || ' bypassrls=' || r.rolbypassrls || ' config=' || coalesce(r.rolconfig::text, '')
               || ' member_of=' || array(select g.rolname from pg_auth_members m
                    join pg_roles g on g.oid = m.roleid where m.member = r.oid
                    order by 1)::text
          from pg_roles r where r.rolname like 'lokdarpan%%'""",
    "db_role_settings": """
        select coalesce(pg_get_userbyid(s.setrole), '*') || ' ' || s.setconfig::text
          from pg_db_role_setting s where s.setdatabase = (select oid from pg_database
                                                           where datname = current_database())""",
    "publications": "select pubname from pg_publication",
    "rules": f"""
        select n.nspname || '.' || c.relname || ' ' || r.rulename || ' ' || pg_get_ruledef(r.oid)
          from pg_rewrite r join pg_class c on c.oid = r.ev_class
          join pg_namespace n on n.oid = c.relnamespace
         where r.rulename <> '_RETURN' and {_OURS}""",
    "statistics": f"""
        select n.nspname || '.' || s.stxname || ' ' || pg_get_statisticsobjdef(s.oid)
          from pg_statistic_ext s join pg_namespace n on n.oid = s.stxnamespace where {_OURS}""",
}


def fingerprint(conn: psycopg.Connection) -> dict[str, list[str]]:
    """Section name -> sorted rows describing the database's schema objects."""
    result = {}
    for name, query in SECTIONS.items():
        rows = conn.execute(query).fetchall()
        result[name] = sorted(r[0] for r in rows if r[0] is not None)
    return result


def diff(before: dict[str, list[str]], after: dict[str, list[str]], limit: int = 20) -> list[str]:
    """Human-readable differences, ``-`` for rows only in ``before``, ``+`` only in ``after``."""
    lines = []
    for section in before.keys() | after.keys():
        b, a = set(before.get(section, [])), set(after.get(section, []))
        lines += [f"{section}: - {row[:300]}" for row in sorted(b - a)]
        lines += [f"{section}: + {row[:300]}" for row in sorted(a - b)]
    return lines[:limit]
