"""adopt verify's one pass over the posts (adopt.verify_post): the verify form of the source query
gives the backfill's classifications, digests and legacy_extra; the one pass finds the same
differences as adopt.differences and the (ward, month) groups that hold them; pending capture
entries stay pending."""

from __future__ import annotations

import psycopg

from lokdarpan_db.adopt import run
from lokdarpan_db.cli import main

from ..conftest import ROOT

# legacy_extra as the backfill computed it before the verify form existed: the whole legacy row as
# jsonb minus what core holds (the reference the column-by-column form must equal, key by key)
OLD_EXTRA = """
    case when s.city is not distinct from (to_jsonb(l) ->> 'city') then to_jsonb(l) - 'city' else to_jsonb(l) end
      - array['id', 'text', 'author_id', 'created_at', 'emotion', 'party', 'search_vector']
      - case when s.epaper_id is not distinct from (to_jsonb(l) ->> 'epaper_id')::bigint
             then array['epaper_id'] else array[]::text[] end"""


def _source(conn, verify: bool) -> dict[int, tuple]:
    q = conn.execute("select adopt.source_sql('post', 'public', 'UTC', 'true', p_verify => %s)", [verify]).fetchone()[0]
    return {
        r[0]: r[1:] for r in conn.execute(f"select s.legacy_id, s.reason, s.digest, s.legacy, s.extra from ({q}) s")
    }


def _no_apply(conn, *tables: str):
    for t in tables:
        conn.execute(f"alter table public.{t} disable trigger tg_{t}__adopt_capture")
        conn.execute(f"alter table public.{t} disable trigger tg_{t}__adopt_sync")


def _apply(conn, *tables: str):
    for t in tables:
        conn.execute(f"alter table public.{t} enable trigger tg_{t}__adopt_capture")
        conn.execute(f"alter table public.{t} enable trigger tg_{t}__adopt_sync")


def test_the_verify_source_classifies_and_digests_as_the_backfill(legacy_url):
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        # columns core has no home for, one with a name that needs quoting
        conn.execute('alter table public.post add column source_url text, add column "Reviewed By" integer')
        # more unknown columns than one jsonb_build_object call takes (100 arguments)
        conn.execute(
            "alter table public.post " + ", ".join(f"add column extra_{i} smallint default {i}" for i in range(60))
        )
        conn.execute("""update public.post set source_url = 'https://example.invalid/' || id,
                                               "Reviewed By" = case when id % 2 = 0 then id end where id <= 6""")
    run.start(legacy_url, "public", "UTC", project_dir=ROOT)
    with psycopg.connect(legacy_url) as conn:
        full, lean = _source(conn, False), _source(conn, True)
        assert full.keys() == lean.keys() and len(full) == 13
        for i, (reason, digest, legacy, extra) in full.items():
            l_reason, l_digest, l_legacy, l_extra = lean[i]
            assert (l_reason, l_digest, l_extra) == (reason, digest, extra), i
            # the whole row is kept only where the quarantine needs it
            assert legacy == (l_legacy if reason is not None else None), i
            if reason is not None:
                assert legacy is not None and legacy["id"] == i
        # the column-by-column legacy_extra is the jsonb the whole-row form gave
        q = conn.execute("select adopt.source_sql('post', 'public', 'UTC', 'true')").fetchone()[0]
        rows = conn.execute(f"""select s.legacy_id, s.extra, {OLD_EXTRA}, m.legacy_extra
                                  from ({q}) s join public.post l on l.id = s.legacy_id
                                  left join adopt.mapping m on m.legacy_table = 'post' and m.legacy_id = s.legacy_id
                                 order by 1""").fetchall()
        assert all(extra == old for _, extra, old, _ in rows)
        assert all(stored == extra for _, extra, _, stored in rows if stored is not None)
        by_id = {r[0]: r[1] for r in rows}
        # the raw ward label, the legacy e-paper id core maps elsewhere, the unknown columns
        extras = {f"extra_{i}": i for i in range(60)}
        assert by_id[2] == {"city": "Ward 95", "source_url": "https://example.invalid/2", "Reviewed By": 2, **extras}
        assert by_id[4]["epaper_id"] == 1002 and by_id[4]["Reviewed By"] == 4
        assert by_id[10] == {"source_url": None, "Reviewed By": None, **extras}
    assert run.verify(legacy_url).ok


def test_one_pass_finds_what_differences_finds_and_the_groups_that_hold_it(legacy_url):
    assert main(["adopt", "start", "--db", legacy_url, "-q"]) == 0
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        _no_apply(conn, "post")
        conn.execute("update public.post set text = 'changed behind its back' where id = 2")  # adopted, differs
        conn.execute("delete from public.post where id = 3")  # gone, still adopted
        conn.execute("update public.post set text = 'edited city-wide feed' where id = 7")  # quarantined, differs
        new_id = conn.execute(
            "insert into public.post (text, author_id, city, created_at) values ('unseen', 1, 'Kapra', '2024-06-10')"
            " returning id"
        ).fetchone()[0]  # neither adopted nor quarantined
        conn.execute(
            "insert into adopt.quarantine (legacy_table, legacy_id, reason, row)"
            " select 'post', id, 'no_ward', to_jsonb(p) from public.post p where id = 5"
        )  # both adopted and quarantined
        conn.execute("insert into adopt.ward_alias (alias, ward_name, note) values ('test ward', 'Kapra', 'DBA')")
        _apply(conn, "post")
        # captured, not applied: pending, whatever it changed
        conn.execute("alter table public.post disable trigger tg_post__adopt_sync")
        conn.execute("update public.post set text = 'captured only', city = 'Kapra' where id = 6")
        conn.execute("alter table public.post enable trigger tg_post__adopt_sync")
        expected = {
            2: "adopted content differs",
            3: "legacy row is gone but it is still adopted",
            5: "both adopted and quarantined",
            7: "quarantined row differs",
            9: "quarantined (unknown_ward) but the rules now adopt it: run adopt requeue",
            new_id: "neither adopted nor quarantined",
        }
    with psycopg.connect(legacy_url) as conn:
        one_pass = conn.execute("select * from adopt.verify_post()").fetchall()
        separate = conn.execute("select legacy_id, problem from adopt.differences('post')").fetchall()
        groups = conn.execute("select * from adopt.post_ward_months()").fetchall()
        n_legacy = conn.execute("select count(*) from public.post").fetchone()[0]
    diffs = [(r[0], r[1]) for r in one_pass if r[0] is not None]
    assert diffs == separate
    assert dict(diffs) == expected
    assert [tuple(r[2:9]) for r in one_pass if r[0] is None] == [tuple(g) for g in groups]
    by_group = {(g[0], g[1].isoformat()): g[2:] for g in groups}
    # pending: post 6 counted apart (in its legacy group, now Kapra 2024-05), out of both sides
    assert sum(g[5] for g in groups) == 1 and by_group[("Kapra", "2024-05-01")][3] == 1
    assert sum(g[2] for g in groups) == n_legacy
    differing = sorted(k for k, g in by_group.items() if g[4])
    assert differing == [
        ("Dr. A.S. Rao Nagar", "2024-05-01"),  # post 5's second copy, quarantined under its raw label
        ("Hyderabad", "2024-05-01"),  # post 7's quarantined copy is not the legacy row any more
        ("Jubilee Hills", "2024-05-01"),  # post 2 changed, post 3 gone
        ("Kapra", "2024-05-01"),  # post 9 now resolves to Kapra; its copy is quarantined under Test Ward
        ("Kapra", "2024-06-01"),  # the unseen post
        ("Test Ward", "2024-05-01"),
    ]
    assert by_group[("Kapra", "2024-06-01")][:3] == (1, 0, 0)
    assert by_group[("Test Ward", "2024-05-01")][:3] == (0, 0, 1)
    res = run.verify(legacy_url)
    # the posts split over 2 or 3 connections on one exported snapshot: the same result
    for jobs in (2, 3):
        split = run.verify(legacy_url, jobs=jobs)
        assert (split.rows, split.differences, split.ward_months) == (res.rows, res.differences, res.ward_months)
    assert {i: p for t, i, p in res.differences if t == "post"} == expected
    assert sorted((g[0], g[1].isoformat()) for g in res.month_differences) == differing
    assert [r for r in res.rows if r[0] == "post"][0][4:] == (1, len(expected))


def test_verify_is_read_only_and_leaves_the_bookkeeping_alone(legacy_url):
    run.start(legacy_url, "public", "UTC", project_dir=ROOT)
    with psycopg.connect(legacy_url) as conn:
        before = conn.execute(
            "select (select count(*) from adopt.mapping), (select count(*) from adopt.quarantine),"
            " (select count(*) from adopt.capture)"
        ).fetchone()
    assert run.verify(legacy_url).ok
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        # the one pass runs in a read-only transaction: it cannot write
        conn.execute("begin transaction isolation level repeatable read read only")
        assert len(conn.execute("select * from adopt.verify_post()").fetchall()) > 0
        conn.execute("rollback")
        after = conn.execute(
            "select (select count(*) from adopt.mapping), (select count(*) from adopt.quarantine),"
            " (select count(*) from adopt.capture)"
        ).fetchone()
    assert after == before


def test_verify_jobs_share_one_snapshot(legacy_url, capsys):
    assert main(["adopt", "start", "--db", legacy_url, "-q"]) == 0
    capsys.readouterr()
    assert main(["adopt", "verify", "--db", legacy_url, "--jobs", "2"]) == 0
    assert "verify: OK" in capsys.readouterr().out
    assert main(["adopt", "verify", "--db", legacy_url, "--jobs", "0"]) == 1
    assert "--jobs must be at least 1" in capsys.readouterr().err
    # a change committed after verify's snapshot is seen by none of its connections: both
    # halves read the instant the first one exported
    with psycopg.connect(legacy_url) as first, psycopg.connect(legacy_url) as second:
        first.isolation_level = second.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        first.execute("select 1")
        snapshot = first.execute("select pg_export_snapshot()").fetchone()[0]
        with psycopg.connect(legacy_url, autocommit=True) as writer:
            _no_apply(writer, "post")
            writer.execute("update public.post set text = 'after the snapshot' where id = 12")
            _apply(writer, "post")
        second.execute(psycopg.sql.SQL("set transaction snapshot {}").format(psycopg.sql.Literal(snapshot)))
        halves = [
            c.execute("select * from adopt.verify_post(%s, %s)", r).fetchall()
            for c, r in ((first, [None, 6]), (second, [6, None]))
        ]
        assert [r for h in halves for r in h if r[0] is not None] == []
        fresh = psycopg.connect(legacy_url)
        with fresh:
            assert [r[:2] for r in fresh.execute("select * from adopt.verify_post(6, null)") if r[0] is not None] == [
                (12, "adopted content differs")
            ]
