"""Point-in-time recovery (`lokdarpan-db pitr`): each restore lands on exactly the data committed
at its target, an incremental chain equals a full backup, a crash loses no committed batch, and a
damaged repository is reported precisely. Every test server here is this module's own (started
in a temp dir, like test_standby.py); "T" always comes from that server's clock."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from lokdarpan_db import cli
from lokdarpan_db.ingest.load import ingest_files
from lokdarpan_db.migrations.engine import Deployer
from lokdarpan_db.ops.pitr_store import Repo, parse_segment, segment_name
from lokdarpan_db.postgres.connect import ensure_database
from lokdarpan_db.postgres.embedded import TEST_SETTINGS, Cluster
from lokdarpan_db.synthetic.demo import load_wards, write_posts

from ..conftest import ROOT

pytestmark = pytest.mark.slow


def _tmpdir(prefix: str) -> Path:
    base = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    base.chmod(0o755)
    return base


def pitr(*args: str) -> int:
    return cli.main(["pitr", *args])


def sql(url: str, query: str, params=None):
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else []


def committed_batches(url: str) -> set[str]:
    return {f"{r[0]}:{r[1]}-{r[2]}" for r in sql(
        url, "select source_file, first_line, last_line from ingest.batch where status = 'committed'")}


def post_count(url: str) -> int:
    return sql(url, "select count(*) from core.post")[0][0]


class Server:
    def __init__(self, base: Path, deploy: bool):
        self.base = base
        self.cluster = Cluster.embedded(base / "pgdata")
        # commits durable in the server's WAL when they return (the crash test counts on it)
        self.cluster.start({**TEST_SETTINGS, "synchronous_commit": "on"})
        ensure_database(self.cluster.url("postgres"), "lokdarpan")
        if deploy:
            Deployer(self.url, ROOT).deploy()
        self.restored: list[Path] = []

    @property
    def url(self) -> str:
        return self.cluster.url("lokdarpan")

    @property
    def repo(self) -> Path:
        return self.base / "pitr"

    def now(self) -> str:
        return sql(self.url, "select now()::text")[0][0]

    def restore(self, capsys, *args: str, repo: Path | None = None) -> tuple[int, str, str]:
        into = self.base / f"restored{len(self.restored)}"
        self.restored.append(into)
        code = pitr("restore", *args, "--into", str(into), "--repo", str(repo or self.repo))
        cap = capsys.readouterr()
        return code, cap.out, cap.err

    def close(self) -> None:
        for d in self.restored:
            Cluster(d, self.cluster.bindir, self.cluster.os_user).stop("immediate")
        from lokdarpan_db.ops.pitr import stop_receiver

        if (self.repo / "pitr.json").exists():
            stop_receiver(Repo.open(self.repo))
        self.cluster.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    srv = Server(_tmpdir("ldpitr-"), deploy=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("LOKDARPAN_PGDATA", str(srv.cluster.pgdata))
    try:
        assert pitr("setup", "--stream", "--repo", str(srv.repo)) == 0
        yield srv
    finally:
        mp.undo()
        srv.close()


@pytest.fixture(scope="module")
def posts(server) -> dict[str, Path]:
    """Five small files of demo posts from the last two days (relative to the server's clock)."""
    with psycopg.connect(server.url) as conn:
        wards = load_wards(conn)
        start = conn.execute("select now() - interval '2 days'").fetchone()[0]
    files = {}
    for name, n, seed in [("a", 300, 1), ("b", 200, 2), ("c", 250, 3), ("d", 150, 4),
                          ("crash", 40_000, 5)]:
        files[name] = write_posts(server.base / f"{name}.jsonl", n, wards, start=start, days=1,
                                  seed=seed)
    return files


def ingest(server, path: Path, **kw) -> None:
    ingest_files(server.url, [path], workers=1, progress=False, **kw)


def restored_url(out: str) -> str:
    last = out.strip().splitlines()[-1]
    assert last.startswith("postgresql://"), out
    return last


def test_restore_to_time_holds_batch_a_and_not_b(server, posts, capsys):
    assert pitr("backup", "--repo", str(server.repo)) == 0
    ingest(server, posts["a"])
    after_a = post_count(server.url)
    batches_a = committed_batches(server.url)
    t = server.now()
    time.sleep(0.05)
    ingest(server, posts["b"])
    assert post_count(server.url) > after_a
    code, out, err = server.restore(capsys, "--to-time", t)
    assert code == 0, err
    url = restored_url(out)
    assert post_count(url) == after_a
    assert committed_batches(url) == batches_a
    assert not any(str(posts["b"]) in b for b in committed_batches(url))
    # the proof: deployed changes and integrity checks of the restored copy
    changes = sql(server.url, "select count(*) from lokdarpan_meta.change")[0][0]
    assert f"database lokdarpan: {changes} deployed changes" in out
    assert "integrity" in out and "FAIL" not in out
    assert f"  ingest.batch {len(batches_a):,}\n" in out  # per-table counts
    # the running server is untouched and still archiving
    assert sql(server.url, "select pg_is_in_recovery()")[0][0] is False
    assert pitr("stop", str(server.restored[-1])) == 0
    assert capsys.readouterr().out.strip() == "stopped"


def _inventory(url: str) -> dict:
    from lokdarpan_db.ops.backup import inventory

    with psycopg.connect(url) as conn:
        inv = inventory(conn)
        conn.rollback()
    return {"tables": inv["tables"], "changes": inv["deployed_changes"]}


def test_incremental_chain_restores_the_same_data_as_a_full_backup(server, posts, capsys):
    ingest(server, posts["c"])
    assert pitr("backup", "--incremental", "--repo", str(server.repo)) == 0
    ingest(server, posts["d"])
    assert pitr("backup", "--incremental", "--repo", str(server.repo)) == 0
    assert pitr("backup", "--repo", str(server.repo)) == 0  # nothing written in between
    capsys.readouterr()
    backups = Repo.open(server.repo).backups()
    incr, full = backups[-2], backups[-1]
    assert incr["kind"] == "incremental" and full["kind"] == "full"
    assert incr["stored_bytes"] < full["stored_bytes"] / 2
    code, out, err = server.restore(capsys, "--to-lsn", incr["end_lsn"])
    assert code == 0, err
    assert out.splitlines()[0].startswith(f"restored {backups[-4]['label']} + ")  # F + I + I
    chain_url = restored_url(out)
    code, out, err = server.restore(capsys, "--to-lsn", full["end_lsn"])
    assert code == 0, err
    assert out.splitlines()[0].startswith(f"restored {full['label']} to")
    full_url = restored_url(out)
    a, b = _inventory(chain_url), _inventory(full_url)
    assert a == b
    assert a["tables"]["ingest.batch"]["rows"] == len(committed_batches(server.url))
    assert post_count(chain_url) == post_count(server.url)


def _kill_server(cluster: Cluster) -> None:
    """SIGKILL the postmaster and every process it started (a crash, not a shutdown)."""
    pid = cluster.pid_info()[0]
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    for p in [pid, *children]:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for _ in range(100):
        if not cluster.running:
            break
        time.sleep(0.1)


def test_kill_9_during_ingest_loses_no_committed_batch(server, posts, capsys):
    assert pitr("backup", "--incremental", "--repo", str(server.repo)) == 0
    before = committed_batches(server.url)
    errors = []

    def run():
        try:
            ingest_files(server.url, [posts["crash"]], workers=2, batch_size=400, progress=False)
        except Exception as exc:  # noqa: BLE001 - the crash is expected to stop it
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 60
    while len(committed_batches(server.url) - before) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    _kill_server(server.cluster)
    worker.join(60)
    assert errors, "the ingest should have been cut off by the crash"
    server.cluster.start()  # crash recovery
    committed = committed_batches(server.url)
    assert len(committed - before) >= 5
    assert len(committed) < len(before) + 100  # it really was cut off
    posts_now = post_count(server.url)
    # the receiver follows the restarted server (new port) and catches up with its WAL
    # (write_lsn: without --synchronous pg_receivewal fsyncs, and reports flush, per segment)
    flush = sql(server.url, "select pg_current_wal_flush_lsn()::text")[0][0]
    deadline = time.monotonic() + 60
    while not sql(server.url, "select coalesce(bool_or(write_lsn >= %s::pg_lsn), false) from"
                  " pg_stat_replication where application_name = 'lokdarpan_pitr'", [flush])[0][0]:
        assert time.monotonic() < deadline, "pg_receivewal did not catch up after the restart"
        time.sleep(0.2)
    code, out, err = server.restore(capsys, "--to-latest")
    assert code == 0, err
    url = restored_url(out)
    assert committed_batches(url) == committed
    assert post_count(url) == posts_now


def _copy_repo(server, name: str) -> Path:
    """A copy of the live repository: the archiver and pg_receivewal keep writing (temporary
    files, an open segment renamed when finished), so a copy that raced them is taken again."""
    dest = server.base / name
    for attempt in range(10):
        try:
            shutil.copytree(server.repo, dest,
                            ignore=shutil.ignore_patterns(".receive-wal.pid", ".*.tmp*"))
            return dest
        except shutil.Error:
            shutil.rmtree(dest, ignore_errors=True)
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError(f"could not copy {server.repo}")


def test_deleted_wal_segment_is_reported_with_the_last_recoverable_instant(server, capsys):
    # finish a few segments after the newest backup, then drop one in the middle
    for i in range(3):
        sql(server.url, "insert into core.author (name) values (%s)", [f"pitr gap {i}"])
        sql(server.url, "select pg_switch_wal()")
    sql(server.url, "insert into core.author (name) values ('after the gap')")
    seg = sql(server.url, "select pg_walfile_name(pg_switch_wal())")[0][0]
    repo = Repo.open(server.repo)
    deadline = time.monotonic() + 30
    while seg not in repo.wal_files():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    copy = _copy_repo(server, "repo-gap")
    crepo = Repo.open(copy)
    newest = crepo.backups()[-1]
    end = parse_segment(newest["start_wal"], crepo.seg_size)[1] + 1
    tli, last = parse_segment(seg, crepo.seg_size)
    victim = segment_name(tli, (end + last) // 2 + 1, crepo.seg_size)
    assert parse_segment(victim, crepo.seg_size)[1] < last
    for d in (crepo.wal_dir, crepo.stream_dir):
        for f in d.glob(victim + "*"):
            f.unlink()
    assert pitr("verify", "--repo", str(copy)) == 10
    out = capsys.readouterr().out
    assert f"WAL segment {victim} is missing" in out and "nothing after 20" in out
    code, out, err = server.restore(capsys, "--to-latest", repo=copy)
    assert code == 10
    assert f"WAL segment {victim} is missing from {crepo.wal_dir}" in err
    assert "nothing after " in err and "can be recovered" in err
    assert pitr("status", "--repo", str(copy)) == 10
    assert f"GAP: {victim} missing" in capsys.readouterr().out


def test_flipped_byte_in_a_backup_is_reported_with_exit_9(server, capsys):
    copy = _copy_repo(server, "repo-flip")
    crepo = Repo.open(copy)
    victim = crepo.backups()[-1]
    data = victim["dir"] / victim["file"]
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    data.write_bytes(bytes(raw))
    assert pitr("verify", "--repo", str(copy)) == 9
    out = capsys.readouterr().out
    assert f"FAIL backup {victim['label']}: {data} is damaged (sha256" in out
    code, out, err = server.restore(capsys, "--to-latest", repo=copy)
    assert code == 9 and f"backup {victim['label']}: {data} is damaged" in err
    # a byte flipped inside a data file before it was packed: pg_verifybackup names the file
    other = crepo.backups()[-2]
    work = server.base / "flip-work"
    work.mkdir()
    subprocess.run(f"zstd -q -d -c '{other['dir'] / other['file']}' | tar -C '{work}' -xf -",
                   shell=True, check=True)
    target = work / "global" / "pg_control"
    raw = bytearray(target.read_bytes())
    raw[100] ^= 0xFF
    target.write_bytes(bytes(raw))
    packed = other["dir"] / other["file"]
    subprocess.run(f"tar -C '{work}' -cf - . | zstd -q -c > '{packed}'", shell=True, check=True)
    meta = json.loads((other["dir"] / "meta.json").read_text())
    from lokdarpan_db.ops.pitr_store import sha256_file

    meta["sha256"], meta["stored_bytes"] = sha256_file(packed), packed.stat().st_size
    (other["dir"] / "meta.json").write_text(json.dumps(meta))
    assert pitr("verify", "--repo", str(copy)) == 9
    out = capsys.readouterr().out
    assert f"FAIL backup {other['label']}: pg_verifybackup:" in out and "global/pg_control" in out


def test_prune_keeps_what_the_oldest_kept_backup_needs(server, capsys):
    copy = _copy_repo(server, "repo-prune")
    crepo = Repo.open(copy)
    before = crepo.backups()
    fulls = [b for b in before if b["kind"] == "full"]
    assert len(fulls) >= 2
    keep = fulls[-1]
    assert pitr("prune", "--keep-full", "1", "--repo", str(copy)) == 0
    out = capsys.readouterr().out
    after = crepo.backups()
    assert [b["label"] for b in after] == [b["label"] for b in before if b["ended_at"] >= keep["ended_at"]]
    assert f"kept {len(after)} backups from {keep['label']}" in out
    tli, first = parse_segment(keep["start_wal"], crepo.seg_size)
    segs = crepo.segments(tli)
    assert segs and min(segs) == first  # everything older is gone, its start is kept
    assert all(n in segs for n in range(first, max(segs) + 1))
    assert pitr("verify", "--repo", str(copy)) == 0
    capsys.readouterr()
    code, out, err = server.restore(capsys, "--to-latest", "--no-prove", repo=copy)
    assert code == 0, err
    assert post_count(restored_url(out)) == post_count(server.url)


@pytest.fixture(scope="module")
def small_server():
    srv = Server(_tmpdir("ldpitr-enc-"), deploy=False)
    try:
        yield srv
    finally:
        srv.close()


def test_external_server_setup_prints_and_checks_the_settings(small_server, capsys):
    code = pitr("setup", "--db", small_server.cluster.url("postgres"), "--compress", "gzip",
                "--repo", str(small_server.base / "external-repo"))
    out = capsys.readouterr().out
    assert code == 1
    assert "archive_mode = 'on'" in out and "summarize_wal = 'on'" in out
    assert "NOT SET archive_mode = 'on' (the server has 'off')" in out


def test_encrypted_repository_needs_the_right_key(small_server, monkeypatch, capsys):
    srv = small_server
    monkeypatch.setenv("LOKDARPAN_PGDATA", str(srv.cluster.pgdata))
    key, other = srv.base / "pitr.key", srv.base / "other.key"
    assert pitr("setup", "--repo", str(srv.repo), "--key-file", str(key), "--compress", "gzip") == 0
    assert "encrypted with age" in capsys.readouterr().out
    assert key.stat().st_mode & 0o077 == 0
    sql(srv.url, "create table secret (i int, note text)")
    sql(srv.url, "insert into secret select g, 'row ' || g from generate_series(1, 1000) g")
    assert pitr("backup", "--repo", str(srv.repo)) == 0
    sql(srv.url, "insert into secret select g, 'late' from generate_series(1, 10) g")
    sql(srv.url, "select pg_switch_wal()")
    repo = Repo.open(srv.repo)
    deadline = time.monotonic() + 30
    while len(list(repo.wal_dir.glob("*.gz.age"))) < 3:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    meta = repo.backups()[0]
    assert (meta["dir"] / meta["file"]).read_bytes().startswith(b"age-encryption.org/v1")
    assert all(p.read_bytes().startswith(b"age-encryption.org/v1") for p in repo.wal_dir.glob("0*"))
    monkeypatch.delenv("LOKDARPAN_PITR_KEY", raising=False)
    code, out, err = srv.restore(capsys, "--to-latest")
    assert code == 12 and "is encrypted" in err and "--key-file" in err
    subprocess.run(["age-keygen", "-o", str(other)], check=True, capture_output=True)
    code, out, err = srv.restore(capsys, "--to-latest", "--key-file", str(other))
    assert code == 12 and f"key file {other} is the wrong key" in err
    code, out, err = srv.restore(capsys, "--to-latest", "--key-file", str(srv.base / "nope.key"))
    assert code == 12 and "does not exist" in err
    assert pitr("verify", "--repo", str(srv.repo)) == 0
    assert "sha256 only" in capsys.readouterr().out
    assert pitr("verify", "--repo", str(srv.repo), "--key-file", str(key)) == 0
    capsys.readouterr()
    code, out, err = srv.restore(capsys, "--to-latest", "--key-file", str(key))
    assert code == 0, err
    assert sql(restored_url(out), "select count(*) from secret")[0][0] == 1010


def test_setup_again_keeps_streaming_and_status_shows_the_chain(server, capsys):
    assert pitr("setup", "--repo", str(server.repo)) == 0  # no flags: what was chosen stays
    out = capsys.readouterr().out
    assert "pg_receivewal streams into" in out and "archiving works" in out
    assert pitr("status", "--repo", str(server.repo)) == 0
    out = capsys.readouterr().out
    backups = Repo.open(server.repo).backups()
    assert f"oldest restorable instant: {backups[0]['ended_at']}" in out
    assert all(b["label"] in out for b in backups)
    assert "stream: lokdarpan_pitr streaming (async)" in out and "failed 0" in out


def test_no_space_left_is_reported_before_anything_is_written(server, monkeypatch, capsys):
    from lokdarpan_db.ops import pitr_store

    before = [b["label"] for b in Repo.open(server.repo).backups()]
    monkeypatch.setattr(pitr_store, "free_bytes", lambda path: 1000)
    assert pitr("backup", "--repo", str(server.repo)) == 11
    err = capsys.readouterr().err
    assert "no space left for the base backup: it needs about" in err
    assert f"in {server.repo / 'backups'}, 0.00 GB are free" in err
    assert [b["label"] for b in Repo.open(server.repo).backups()] == before
    code, _, err = server.restore(capsys, "--to-latest")
    assert code == 11 and "no space left for the restore into" in err
    assert not server.restored[-1].exists()


def test_restore_refuses_a_target_before_the_oldest_backup_and_a_used_directory(server, capsys):
    first = Repo.open(server.repo).backups()[0]
    from datetime import datetime

    early = (datetime.fromisoformat(first["ended_at"]) - timedelta(seconds=1)).isoformat()
    code, _, err = server.restore(capsys, "--to-time", early)
    assert code == 1 and f"the oldest restorable instant is {first['ended_at']}" in err
    code, _, err = server.restore(capsys, "--to-time", "yesterday")
    assert code == 1 and "is not a timestamp" in err
    assert pitr("restore", "--to-latest", "--into", str(server.cluster.pgdata),
                "--repo", str(server.repo)) == 1
    assert "is not empty" in capsys.readouterr().err
