"""adopt.sync_source inserts a batch's posts into core.post last, after their fingerprint and
mapping rows (the second adopt/sync rework): core.post's statement triggers lock the rollup rows of
the ward-days the posts touch until the commit, so nothing else of the batch may follow them (two
backfill connections waited for each other's fingerprint and mapping inserts)."""

from __future__ import annotations

import psycopg

from lokdarpan_db.cli import main

# a statement trigger of the test's own, beside the rollup triggers: at the moment posts reach
# core.post, which of them already have their mapping and fingerprint rows
PROBE = """
create table public.probe (n_posts bigint, n_unmapped bigint, n_no_fingerprint bigint);
create function public.tg_probe() returns trigger language plpgsql as $$
begin
    insert into public.probe
    select count(*),
           count(*) filter (where not exists (select 1 from adopt.mapping m where m.legacy_table = 'post'
                                                and m.legacy_id = n.post_id)),
           count(*) filter (where not exists (select 1 from core.post_fingerprint f
                                               where f.created_at = n.created_at and f.fingerprint = n.fingerprint))
      from new_posts n;
    return null;
end $$;
create trigger tg_probe after insert on core.post referencing new table as new_posts
    for each statement execute function public.tg_probe();
"""


def _start_with(legacy_url: str, ddl: str, batch_size: int) -> None:
    """``adopt start`` in batches of ``batch_size`` after the test's own ``ddl`` (its trigger)."""
    with psycopg.connect(legacy_url, autocommit=True) as conn:
        conn.execute(ddl)
    assert main(["adopt", "start", "--db", legacy_url, "--batch-size", str(batch_size), "-q"]) == 0


def test_backfill_inserts_the_posts_after_their_mapping_and_fingerprint_rows(legacy_url):
    _start_with(legacy_url, PROBE, 3)
    with psycopg.connect(legacy_url) as conn:
        rows = conn.execute(
            "select n_posts, n_unmapped, n_no_fingerprint from public.probe where n_posts > 0"
        ).fetchall()
        adopted = conn.execute("select count(*) from core.post").fetchone()[0]
    assert len(rows) > 1 and sum(r[0] for r in rows) == adopted > 0  # every post came in a probed batch
    assert [r for r in rows if r[1] or r[2]] == []


# a row trigger of the test's own: the order in which one statement's rows reach core.post
ROW_ORDER = """
create table public.row_order (n bigserial, xid xid8 default pg_current_xact_id(), post_id bigint,
                               city text, created_at timestamptz);
create function public.tg_row_order() returns trigger language plpgsql as $$
begin
    insert into public.row_order (post_id, city, created_at) values (new.post_id, new.city, new.created_at);
    return null;
end $$;
create trigger tg_row_order after insert on core.post for each row execute function public.tg_row_order();
"""


def test_backfill_inserts_a_batchs_posts_in_city_and_time_order(legacy_url):
    """The order of core.post's (city, created_at) B-trees, not the legacy ids' (random times): a
    batch then visits each index page once."""
    _start_with(legacy_url, ROW_ORDER, 50)
    with psycopg.connect(legacy_url) as conn:
        batches = conn.execute(
            "select array_agg(post_id order by n), array_agg(post_id order by city, created_at, n),"
            "       array_agg(post_id order by post_id)"
            "  from public.row_order group by xid having count(*) > 1"
        ).fetchall()
    assert batches, "no batch of more than one post"
    # the fixture's legacy id order is not the index order, so the test can tell the two apart
    assert any(by_id != by_index for _, by_index, by_id in batches)
    assert [b for b in batches if b[0] != b[1]] == []
