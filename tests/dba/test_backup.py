"""Backup and restore: a restored copy holds exactly the backed-up data, and a damaged file is
reported with one line and exit code 9, never half-restored."""

from __future__ import annotations

import json

import psycopg
import pytest

from lokdarpan_db import cli
from lokdarpan_db.errors import EXIT_BACKUP, EXIT_HEALTH, DamagedBackupError, UserError
from lokdarpan_db.ops.backup import (
    backup,
    find_client,
    manifest_path_for,
    restore,
)

from ..conftest import ROOT, db_url


def _seed(conn: psycopg.Connection) -> None:
    conn.execute("insert into core.author (name) values ('Reporter A'), ('Reporter B')")
    conn.execute("""
        insert into core.post (created_at, city, author_id, text, emotion, fingerprint)
        select now() - make_interval(days => g), 'Kapra',
               (select min(author_id) from core.author), 'roads and water ' || g, 'neutral',
               core.post_fingerprint('Kapra', 'Reporter A', now() - make_interval(days => g),
                                     'roads and water ' || g)
          from generate_series(0, 40) g""")
    conn.execute("""
        insert into content.articles (uri, title, summary, publication_date, sentiment, tags,
                                      credibility_score, analyzed)
        select 'https://news.invalid/' || g, 'Title ' || g || E' \\ with backslash', 'Summary ' || g,
               timestamptz '2025-01-01 10:00:00.123456+05:30' + make_interval(hours => g),
               'Positive', array['a', 'b'], g / 3.0, g % 2 = 0
          from generate_series(1, 25) g""")
    conn.execute("insert into content.raw_articles (uri, raw_markdown) "
                 "select uri, '# ' || title from content.articles")
    conn.commit()


def _databases(admin_url) -> set[str]:
    with psycopg.connect(admin_url) as conn:
        return {r[0] for r in conn.execute("select datname from pg_database")}


def _rows(url, query):
    with psycopg.connect(url) as conn:
        conn.execute("set timezone = 'UTC'")
        return conn.execute(query).fetchall()


@pytest.fixture
def seeded_backup(db, url, tmp_path):
    _seed(db)
    return backup(url, tmp_path / "out")


def test_backup_then_restore_has_identical_rows_and_checksums(seeded_backup, url, admin_url):
    b = seeded_backup
    m = json.loads(b.manifest_path.read_text())
    assert m["tables"]["content.articles"]["rows"] == 25
    assert sum(t["rows"] for n, t in m["tables"].items() if n.startswith("core.post_p")) + \
        m["tables"]["core.post_default"]["rows"] == 41
    assert m["server_major"] >= 15 and len(m["dump_sha256"]) == 64
    assert [c["change_id"] for c in m["deployed_changes"]][:1] == ["extensions/schema"]
    assert any(c["change_id"] == "content/articles" for c in m["deployed_changes"])

    report = restore(b.dump, admin_url, verify=True, project_dir=ROOT)
    try:
        assert report.ok, report.problems
        assert report.tables_checked == len(m["tables"])
        # a reworked change verifies through its newest occurrence only (as sqitch does)
        assert report.changes_verified == len({c["change_id"].split("#")[0] for c in m["deployed_changes"]})
        restored = db_url(admin_url, report.database)
        # independent of the manifest machinery: the rows themselves are equal
        for q in ["select * from content.articles order by uri",
                  "select post_id, created_at, city, text, fingerprint from core.post order by 1",
                  "select * from content.raw_articles order by uri",
                  "select change_id, deploy_sha256 from lokdarpan_meta.change order by seq"]:
            assert _rows(restored, q) == _rows(url, q)
        assert _rows(restored, "select count(*) from core.ward") == [(145,)]
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'drop database "{report.database}" with (force)')


def test_manifest_checksums_notice_a_changed_row(seeded_backup, admin_url):
    """The content checksum is not a row count: editing one value after backup is noticed."""
    b = seeded_backup
    m = json.loads(b.manifest_path.read_text())
    m["tables"]["content.articles"]["checksum"] = str(int(m["tables"]["content.articles"]["checksum"]) + 1)
    b.manifest_path.write_text(json.dumps(m))
    before = _databases(admin_url)
    with pytest.raises(UserError) as err:
        restore(b.dump, admin_url, verify=True, project_dir=ROOT)
    assert err.value.exit_code == EXIT_HEALTH
    assert "content.articles: content checksum differs" in str(err.value)
    assert _databases(admin_url) == before  # the restored copy was dropped


def _cli(capsys, *argv):
    code = cli.main(list(argv))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_truncated_backup_fails_cleanly_with_exit_9(seeded_backup, admin_url, capsys):
    b = seeded_backup
    data = b.dump.read_bytes()
    b.dump.write_bytes(data[: len(data) // 2])
    before = _databases(admin_url)
    code, _, err = _cli(capsys, "restore", str(b.dump), "--verify", "-q", "--db", admin_url,
                        "--project-dir", str(ROOT))
    assert code == EXIT_BACKUP == 9
    assert len(err.strip().splitlines()) == 1 and "truncated" in err and "Traceback" not in err
    assert _databases(admin_url) == before


def test_corrupted_bytes_are_caught_by_sha256(seeded_backup, admin_url, capsys):
    b = seeded_backup
    data = bytearray(b.dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    b.dump.write_bytes(bytes(data))
    code, _, err = _cli(capsys, "restore", str(b.dump), "-q", "--db", admin_url)
    assert code == 9 and "sha256" in err and len(err.strip().splitlines()) == 1


def test_not_a_dump_is_caught_by_pg_restore_list(seeded_backup, admin_url):
    """A file that matches its manifest but is no dump (a manifest written for garbage)."""
    b = seeded_backup
    b.dump.write_bytes(b"this is not a pg_dump archive\n" * 10)
    m = json.loads(b.manifest_path.read_text())
    from lokdarpan_db.ops.backup import sha256_file

    m["dump_sha256"], m["dump_bytes"] = sha256_file(b.dump), b.dump.stat().st_size
    b.manifest_path.write_text(json.dumps(m))
    with pytest.raises(DamagedBackupError, match="not a readable dump"):
        restore(b.dump, admin_url)


def test_damage_inside_the_data_fails_the_restore_and_drops_the_database(seeded_backup, admin_url):
    """The table of contents is intact but compressed table data is not: pg_restore --list
    passes, the restore itself fails, and the new database is dropped."""
    b = seeded_backup
    data = bytearray(b.dump.read_bytes())
    # damage the largest table's data: the tail of the archive holds the data blocks
    for i in range(len(data) - 4000, len(data) - 200, 7):
        data[i] ^= 0x5A
    b.dump.write_bytes(bytes(data))
    m = json.loads(b.manifest_path.read_text())
    from lokdarpan_db.ops.backup import sha256_file

    m["dump_sha256"] = sha256_file(b.dump)
    b.manifest_path.write_text(json.dumps(m))
    before = _databases(admin_url)
    with pytest.raises(UserError) as err:
        restore(b.dump, admin_url, verify=True, project_dir=ROOT)
    assert err.value.exit_code in (EXIT_BACKUP, EXIT_HEALTH)
    assert "dropped" in str(err.value)
    assert _databases(admin_url) == before


def test_missing_manifest_and_missing_file(tmp_path, admin_url, capsys):
    f = tmp_path / "x.dump"
    f.write_bytes(b"PGDMP")
    code, _, err = _cli(capsys, "restore", str(f), "-q", "--db", admin_url)
    assert code == 9 and "no manifest" in err
    manifest_path_for(f).write_text(json.dumps({"format": "lokdarpan-db backup manifest",
                                                "dump_sha256": "0" * 64}))
    f.unlink()
    code, _, err = _cli(capsys, "restore", str(f), "-q", "--db", admin_url)
    assert code == 9 and "does not exist" in err


def test_cli_backup_and_verified_restore(db, url, admin_url, tmp_path, capsys):
    _seed(db)
    code, out, _ = _cli(capsys, "backup", "--out", str(tmp_path), "--db", url)
    assert code == 0 and "deployed changes" in out
    dump = next(tmp_path.glob("*.dump"))
    name = f"{db.info.dbname}_r"
    code, out, err = _cli(capsys, "restore", str(dump), "--verify", "--into", name,
                          "--db", admin_url, "--project-dir", str(ROOT))
    try:
        assert code == 0, err
        assert "verified:" in out and name in out
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def test_find_client_names_the_version_it_could_not_find():
    with pytest.raises(UserError, match="no pg_dump for PostgreSQL 7 found"):
        find_client("pg_dump", 7)
