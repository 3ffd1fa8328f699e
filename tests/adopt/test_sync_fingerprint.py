"""The synchronous apply of a legacy post write replaces the post's core.post_fingerprint row by
the table's key (created_at, fingerprint), never by reading the whole table (the adopt/sync rework:
joined on post_id alone, it scanned core.post_fingerprint per write, 2.8 s at 10,000,000 posts)."""

from __future__ import annotations

import psycopg

from lokdarpan_db.cli import main


def test_a_legacy_post_update_replaces_its_fingerprint_row_by_key(legacy_url):
    assert main(["adopt", "start", "--db", legacy_url, "--batch-size", "50", "-q"]) == 0
    with psycopg.connect(legacy_url) as conn:
        pid = conn.execute("select min(legacy_id) from adopt.mapping m where legacy_table = 'post'"
                           " and exists (select 1 from core.post p where p.post_id = m.core_id)").fetchone()[0]
        old = conn.execute("select fingerprint from core.post where post_id = %s", [pid]).fetchone()[0]
        # with sequential scans priced out, a scan happens only where no index serves the lookup
        conn.execute("set enable_seqscan = off")
        assert conn.execute("update public.post set text = text || ' (edited)' where id = %s", [pid]).rowcount == 1
        scans = conn.execute("select seq_scan from pg_catalog.pg_stat_xact_user_tables"
                             " where relid = 'core.post_fingerprint'::regclass").fetchone()[0]
        assert scans == 0
        conn.commit()
        conn.execute("reset enable_seqscan")
        post = conn.execute("select created_at, fingerprint, text from core.post where post_id = %s", [pid]).fetchone()
        assert post[2].endswith(" (edited)") and post[1] != old
        # exactly the new row: the old one went, the new one holds the post's key
        rows = conn.execute("select created_at, fingerprint from core.post_fingerprint where post_id = %s",
                            [pid]).fetchall()
        assert rows == [(post[0], post[1])]
