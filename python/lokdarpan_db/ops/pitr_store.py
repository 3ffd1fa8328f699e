"""The PITR repository on disk: layout, compression and encryption pipelines, the WAL archive.

Layout of a repository (``--repo DIR``, default ``<data directory>/../pitr``)::

    pitr.json                 format, compression, age recipient (public key) or null,
                              the server's system identifier, WAL segment size
    bin/archive-wal           the archive_command (sh): compress, encrypt, fsync, rename
    bin/receive-wal           pg_receivewal in a loop (follows the server's port across restarts)
    backups/<label>/          one base backup: label = <UTC start>-F (full) or -I (incremental)
        backup_manifest       PostgreSQL's manifest, in the clear (file names, sizes, checksums:
                              no data; the next incremental backup needs it)
        data.tar[.zst|.lz4|.gz][.age]   the backup (plain format, WAL included) as one tar stream
        meta.json             kind, parent, LSN range, timeline, server times, sizes, sha256
    wal/<segment>[.zst|...][.age]       archived WAL segments, .history and .backup files
    wal/SHA256SUMS            "<file name> <sha256 of the raw file>" per archived file
    stream/                   pg_receivewal's copy (plain; <segment>.partial is the open one)

Compression is done by Debian's ``zstd``/``lz4``/``gzip`` command-line tools in a pipe (the
embedded PostgreSQL 18 build has zlib only: ``pg_basebackup --compress`` could only do gzip, and
the WAL archive needs the same codec). Encryption is ``age`` (Debian package ``age``) with an
X25519 key pair: backups and the archive_command need only the public key stored in
``pitr.json``, so the database server can write the repository but not read it back; the secret
key file (``age-keygen`` format) is needed only by ``verify`` and ``restore``. age's format is
authenticated (ChaCha20-Poly1305 per 64 KiB chunk): a flipped bit in an encrypted file is an
error, never silently wrong data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import BackupKeyError, NoSpaceError, UserError

FORMAT = "lokdarpan-db pitr repository"
VERSION = 1
CODECS = {  # name: (suffix, compress command, decompress command, tool)
    "zstd": (".zst", ["zstd", "-q", "-1", "-T0", "-c"], ["zstd", "-q", "-d", "-c"], "zstd"),
    "lz4": (".lz4", ["lz4", "-q", "-1", "-c"], ["lz4", "-q", "-d", "-c"], "lz4"),
    "gzip": (".gz", ["gzip", "-1", "-c"], ["gzip", "-d", "-c"], "gzip"),
    "none": ("", None, None, None),
}
SEGMENT = re.compile(r"^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$")


def default_compression() -> str:
    """The best codec whose command-line tool is installed (zstd, lz4, gzip), else "none"."""
    for name in ("zstd", "lz4", "gzip"):
        tool = CODECS[name][3]
        assert tool is not None  # only "none" has no tool
        if shutil.which(tool):
            return name
    return "none"


def need_tool(tool: str, package: str | None = None) -> str:
    """The path of the program ``tool``; UserError naming the Debian package when it is missing."""
    path = shutil.which(tool)
    if not path:
        raise UserError(f"{tool} is not installed (apt-get install {package or tool})")
    return path


def sha256_file(path: Path) -> str:
    """The hex sha256 of the file at ``path``."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fsync_path(path: Path) -> None:
    """fsync the file or directory at ``path``."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def free_bytes(path: Path) -> int:
    """Bytes free to an unprivileged user on the file system of ``path`` (or its nearest existing parent)."""
    path = Path(path)
    while not path.exists():
        path = path.parent
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def need_space(path: Path, needed: int, what: str) -> None:
    """Raise NoSpaceError unless ``needed`` bytes are free on the file system of ``path``."""
    have = free_bytes(path)
    if have < needed:
        raise NoSpaceError(
            f"no space left for {what}: it needs about {needed / 1e9:.2f} GB in {path}, {have / 1e9:.2f} GB are free"
        )


def chown_tree(path: Path, user: str | None) -> None:
    """Give ``path`` and everything under it to the OS user ``user`` (nothing when it is None)."""
    if not user:
        return
    pw = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, pw.pw_uid, pw.pw_gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), pw.pw_uid, pw.pw_gid)


def now_utc() -> dt.datetime:
    """The current time, time-zone aware, in UTC."""
    return dt.datetime.now(dt.UTC)


# -- LSNs and segment names -------------------------------------------------------------------
def lsn_int(lsn: str) -> int:
    """An LSN written ``X/Y`` as an integer."""
    hi, lo = lsn.split("/")
    return (int(hi, 16) << 32) | int(lo, 16)


def lsn_str(value: int) -> str:
    """An integer LSN written the PostgreSQL way, ``X/Y``."""
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"


def segment_name(tli: int, segno: int, seg_size: int) -> str:
    """The WAL file name of segment ``segno`` on timeline ``tli``."""
    per_id = 0x100000000 // seg_size
    return f"{tli:08X}{segno // per_id:08X}{segno % per_id:08X}"


def parse_segment(name: str, seg_size: int) -> tuple[int, int] | None:
    """(timeline, segno) of a WAL segment file name; None when ``name`` is not one."""
    m = SEGMENT.match(name)
    if not m:
        return None
    per_id = 0x100000000 // seg_size
    return int(m.group(1), 16), int(m.group(2), 16) * per_id + int(m.group(3), 16)


# -- pipelines ----------------------------------------------------------------------------------
def _fail_message(stage: str, err: str) -> str:
    lines = err.strip().splitlines()
    return f"{stage}: {lines[-1] if lines else 'failed'}"


def pipeline(
    cmds: list[list[str]], *, stdin_path: Path | None = None, stdout_path: Path | None = None, what: str = ""
) -> None:
    """Run ``cmds`` as a shell pipe (``a | b | c``), stdin from ``stdin_path``, stdout into
    ``stdout_path``; raise UserError naming the stage that failed (NoSpaceError on ENOSPC)."""
    procs: list[subprocess.Popen[bytes]] = []
    errs: list[IO[bytes]] = []
    fin = open(stdin_path, "rb") if stdin_path else None
    fout = open(stdout_path, "wb") if stdout_path else None
    first_in: IO[bytes] | int = fin if fin is not None else subprocess.DEVNULL
    last_out: IO[bytes] | int = fout if fout is not None else subprocess.DEVNULL
    env = dict(os.environ, LC_ALL="C.UTF-8")
    try:
        prev: IO[bytes] | int | None = first_in
        for i, cmd in enumerate(cmds):
            err = tempfile.TemporaryFile()
            errs.append(err)
            last = i == len(cmds) - 1
            p = subprocess.Popen(
                cmd, stdin=prev, stdout=last_out if last else subprocess.PIPE, stderr=err, env=env, cwd="/"
            )
            if i > 0 and procs[-1].stdout:
                procs[-1].stdout.close()  # the next stage owns the pipe now
            prev = p.stdout
            procs.append(p)
        codes = [p.wait() for p in procs]
    finally:
        if fin is not None:
            fin.close()
        if fout is not None:
            fout.close()
    problems = []
    for cmd, code, err_file in zip(cmds, codes, errs, strict=True):
        err_file.seek(0)
        text = err_file.read().decode(errors="replace")
        err_file.close()
        if code != 0:
            problems.append((os.path.basename(cmd[0]), text))
    if problems:
        joined = " ".join(t for _, t in problems)
        if "No space left on device" in joined:
            target = stdout_path or stdin_path or ""
            raise NoSpaceError(f"no space left on the device of {target} while {what}: {_fail_message(*problems[0])}")
        raise UserError(f"{what} failed: " + "; ".join(_fail_message(*p) for p in problems[:2]))


# -- the repository -----------------------------------------------------------------------------
@dataclass
class Repo:
    """An opened PITR repository: its directory and the settings in its pitr.json."""

    root: Path
    config: dict

    @property
    def backups_dir(self) -> Path:
        """The directory of the base backups."""
        return self.root / "backups"

    @property
    def wal_dir(self) -> Path:
        """The directory of the archived WAL."""
        return self.root / "wal"

    @property
    def stream_dir(self) -> Path:
        """The directory pg_receivewal streams WAL into."""
        return self.root / "stream"

    @property
    def bin_dir(self) -> Path:
        """The directory of the archive_command and receiver scripts."""
        return self.root / "bin"

    @property
    def compression(self) -> str:
        """The codec of the repository (zstd, lz4, gzip or none)."""
        return self.config["compression"]

    @property
    def recipient(self) -> str | None:
        """The age public key the repository is encrypted to; None when it is not encrypted."""
        return self.config.get("recipient")

    @property
    def seg_size(self) -> int:
        """The server's WAL segment size in bytes."""
        return int(self.config.get("wal_segment_size", 16 * 1024 * 1024))

    @property
    def suffix(self) -> str:
        """The file name suffix of stored files: codec, then ``.age`` when encrypted."""
        return CODECS[self.compression][0] + (".age" if self.recipient else "")

    @classmethod
    def open(cls, root: Path) -> Repo:
        """The repository in ``root``; UserError when there is none or its pitr.json is unreadable."""
        root = Path(root).resolve()
        try:
            config = json.loads((root / "pitr.json").read_text())
        except FileNotFoundError:
            raise UserError(f"no PITR repository in {root} (run lokdarpan-db pitr setup --repo DIR first)") from None
        except ValueError as exc:
            raise UserError(f"{root / 'pitr.json'} is unreadable: {exc}") from None
        if config.get("format") != FORMAT:
            raise UserError(f"{root} is not a lokdarpan-db PITR repository")
        return cls(root, config)

    @classmethod
    def create(
        cls,
        root: Path,
        *,
        compression: str,
        recipient: str | None,
        system_identifier: str,
        seg_size: int,
        server_user: str | None,
    ) -> Repo:
        """Create the repository in ``root``, or reopen it when it exists with the same server and
        settings; the WAL directories are given to ``server_user``."""
        root = Path(root).resolve()
        if (root / "pitr.json").exists():
            repo = cls.open(root)
            if repo.config["system_identifier"] != system_identifier:
                raise UserError(
                    f"the repository {root} belongs to another server (system "
                    f"identifier {repo.config['system_identifier']}, this one is "
                    f"{system_identifier}): use a new --repo"
                )
            if repo.compression != compression or repo.recipient != recipient:
                raise UserError(
                    f"the repository {root} was set up with compression "
                    f"{repo.compression} and {'an' if repo.recipient else 'no'} "
                    f"encryption key: use a new --repo to change them"
                )
        else:
            if root.exists() and any(root.iterdir()):
                raise UserError(f"{root} is not empty and holds no pitr.json: use a new directory for the repository")
            repo = cls(
                root,
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "compression": compression,
                    "recipient": recipient,
                    "system_identifier": system_identifier,
                    "wal_segment_size": seg_size,
                    "created_at": now_utc().isoformat(timespec="seconds"),
                },
            )
        for d in (root, repo.backups_dir, repo.wal_dir, repo.stream_dir, repo.bin_dir):
            d.mkdir(parents=True, exist_ok=True)
        if server_user:  # the archive_command and pg_receivewal run as the server's OS user
            pw = pwd.getpwnam(server_user)
            for d in (repo.wal_dir, repo.stream_dir):
                os.chown(d, pw.pw_uid, pw.pw_gid)
            for d in [root, *root.parents]:
                mode = d.stat().st_mode
                if not mode & 0o001:
                    d.chmod(mode | 0o001)
            root.chmod(0o711)
            repo.bin_dir.chmod(0o755)
        repo.save({})
        return repo

    def save(self, changes: dict) -> None:
        """Update the settings with ``changes`` and write pitr.json atomically."""
        self.config.update(changes)
        tmp = self.root / "pitr.json.tmp"
        tmp.write_text(json.dumps(self.config, indent=1, sort_keys=True) + "\n")
        tmp.replace(self.root / "pitr.json")

    # -- codec --------------------------------------------------------------------------------
    def encode_cmds(self) -> list[list[str]]:
        """The pipe stages that turn a raw file into a stored one (compress, then encrypt)."""
        cmds: list[list[str]] = []
        comp = CODECS[self.compression][1]
        if comp:
            need_tool(comp[0])
            cmds.append(comp)
        if self.recipient:
            need_tool("age")
            cmds.append(["age", "-r", self.recipient])
        return cmds

    def decode_cmds(self, key_file: Path | None, *, suffix: str | None = None) -> list[list[str]]:
        """The pipe stages that turn a stored file with ``suffix`` (default: the repository's) back
        into the raw file (decrypt, then decompress)."""
        suffix = self.suffix if suffix is None else suffix
        cmds: list[list[str]] = []
        if suffix.endswith(".age"):
            cmds.append(["age", "-d", "-i", str(self.check_key(key_file))])
            suffix = suffix[:-4]
        for _name, (suf, _c, dec, _t) in CODECS.items():
            if suf and suffix == suf:
                assert dec is not None  # every codec with a suffix has a decompress command
                cmds.append(dec)
        return cmds

    def check_key(self, key_file: Path | None) -> Path:
        """The key file, proved to be the secret half of the repository's recipient."""
        if not self.recipient:
            raise UserError("the repository is not encrypted")
        if key_file is None:
            from_env = os.environ.get("LOKDARPAN_PITR_KEY")
            key_file = Path(from_env) if from_env else None
        if key_file is None:
            raise BackupKeyError(
                f"the repository {self.root} is encrypted (age, public key "
                f"{self.recipient}): pass --key-file FILE (or set "
                "LOKDARPAN_PITR_KEY) with the age identity written by pitr setup"
            )
        key_file = Path(key_file)
        if not key_file.is_file():
            raise BackupKeyError(
                f"key file {key_file} does not exist (the repository {self.root} is encrypted to {self.recipient})"
            )
        got = age_recipient(key_file)
        if got != self.recipient:
            raise BackupKeyError(
                f"key file {key_file} is the wrong key: its public key is {got}, "
                f"the repository {self.root} is encrypted to {self.recipient}"
            )
        return key_file

    def decode_file(self, src: Path, dest: Path, key_file: Path | None) -> None:
        """Write the raw content of the stored file ``src`` into ``dest``."""
        cmds = self.decode_cmds(key_file, suffix=_codec_suffix(src.name))
        if not cmds:
            shutil.copyfile(src, dest)
            return
        pipeline(cmds, stdin_path=src, stdout_path=dest, what=f"reading {src}")

    # -- backups --------------------------------------------------------------------------------
    def backups(self) -> list[dict]:
        """The meta.json of every complete backup (with its ``dir``), oldest first."""
        out = []
        for d in sorted(self.backups_dir.glob("*")):
            if d.name.startswith(".") or not (d / "meta.json").exists():
                continue
            meta = json.loads((d / "meta.json").read_text())
            meta["dir"] = d
            out.append(meta)
        out.sort(key=lambda m: (m["ended_at"], m["label"]))
        return out

    def chain(self, backup: dict, backups: list[dict] | None = None) -> list[dict]:
        """``backup`` and its ancestors, full backup first."""
        by_label = {b["label"]: b for b in backups or self.backups()}
        chain = [backup]
        while chain[0].get("parent"):
            parent = by_label.get(chain[0]["parent"])
            if parent is None:
                from ..errors import DamagedBackupError

                raise DamagedBackupError(
                    f"backup {chain[0]['label']} is incremental on "
                    f"{chain[0]['parent']}, which is not in {self.backups_dir}"
                )
            chain.insert(0, parent)
        return chain

    # -- WAL ------------------------------------------------------------------------------------
    def wal_files(self) -> dict[str, Path]:
        """Archived file name (without codec suffix) -> stored path, complete files only: the
        archive first, then pg_receivewal's complete segments."""
        found: dict[str, Path] = {}
        for d in (self.wal_dir, self.stream_dir):
            if not d.exists():
                continue
            for p in d.iterdir():
                if p.name.startswith(".") or p.name.endswith(".partial"):
                    continue
                key = p.name[: len(p.name) - len(_codec_suffix(p.name))]
                if (
                    SEGMENT.match(key)
                    or re.match(r"^[0-9A-F]{8}\.history$", key)
                    or re.match(r"^[0-9A-F]{24}\.[0-9A-F]{8}\.backup$", key)
                ):
                    found.setdefault(key, p)
        return found

    def segments(self, tli: int) -> dict[int, Path]:
        """segno -> path of every complete segment of timeline ``tli`` in the repository."""
        out: dict[int, Path] = {}
        for name, path in self.wal_files().items():
            parsed = parse_segment(name, self.seg_size)
            if parsed and parsed[0] == tli:
                out[parsed[1]] = path
        return out

    def partial(self, tli: int) -> tuple[int, Path] | None:
        """pg_receivewal's open segment of timeline ``tli``, if any."""
        best = None
        for p in self.stream_dir.glob("*.partial") if self.stream_dir.exists() else []:
            parsed = parse_segment(p.name.split(".")[0], self.seg_size)
            if parsed and parsed[0] == tli and (best is None or parsed[1] > best[0]):
                best = (parsed[1], p)
        return best

    def wal_sums(self) -> dict[str, str]:
        """Archived file name -> sha256 of its raw content, from wal/SHA256SUMS."""
        sums = {}
        try:
            for line in (self.wal_dir / "SHA256SUMS").read_text().splitlines():
                name, _, digest = line.partition(" ")
                sums[name] = digest.strip()
        except FileNotFoundError:
            pass
        return sums


def _codec_suffix(name: str) -> str:
    """The codec part of a stored file name: '.zst', '.zst.age', '.gz', '' ..."""
    out = ""
    rest = name
    if rest.endswith(".partial"):
        rest = rest[: -len(".partial")]
    if rest.endswith(".age"):
        out = ".age"
        rest = rest[:-4]
    for suf in (".zst", ".lz4", ".gz"):
        if rest.endswith(suf):
            return suf + out
    return out


def age_recipient(key_file: Path) -> str:
    """The public key of the age identity in ``key_file``; BackupKeyError when it is not one."""
    need_tool("age-keygen", "age")
    proc = subprocess.run(["age-keygen", "-y", str(key_file)], capture_output=True, text=True, timeout=30)
    if proc.returncode != 0:
        raise BackupKeyError(
            f"key file {key_file} is not an age identity (age-keygen -y: {proc.stderr.strip().splitlines()[-1:]})"
        )
    return proc.stdout.strip()


def make_key(key_file: Path) -> str:
    """Create an age identity in ``key_file`` (mode 600) unless it exists; its public key."""
    key_file = Path(key_file)
    if not key_file.exists():
        need_tool("age-keygen", "age")
        key_file.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(["age-keygen", "-o", str(key_file)], capture_output=True, text=True, timeout=30)
        if proc.returncode != 0:
            raise UserError(f"age-keygen -o {key_file} failed: {proc.stderr.strip()}")
        key_file.chmod(0o600)
    return age_recipient(key_file)


ARCHIVE_SCRIPT = """#!/bin/sh
# lokdarpan-db pitr archive_command, written by `lokdarpan-db pitr setup`:
#   archive_command = '{me} "%p" "%f"'
# One WAL file -> {wal}/<name>{suffix}: compressed ({compression}), encrypted ({enc}),
# fsynced, then renamed into place; its sha256 is recorded in SHA256SUMS first. An existing
# file with the same recorded sha256 is success (a retry after a crash); any other is refused.
set -eu
p="$1"; f="$2"; wal='{wal}'; dest="$wal/$f{suffix}"
sum=$(sha256sum "$p" | cut -d' ' -f1)
if [ -e "$dest" ]; then
  if grep -qx "$f $sum" "$wal/SHA256SUMS" 2>/dev/null; then exit 0; fi
  echo "archive-wal: $dest exists with other content: not overwritten" >&2
  exit 1
fi
tmp="$wal/.$f.tmp"
{encode}
sync "$tmp"
echo "$f $sum" >> "$wal/SHA256SUMS"
sync "$wal/SHA256SUMS"
mv "$tmp" "$dest"
sync "$wal"
"""

RECEIVE_SCRIPT = """#!/bin/sh
# lokdarpan-db pitr WAL receiver, written by `lokdarpan-db pitr setup --stream`: pg_receivewal
# into {stream} through the replication slot {slot}; reconnects (to the server's current port,
# read from postmaster.pid for the embedded server) whenever the connection drops.
while :; do
  {port_line}
  "{bin}/pg_receivewal" -n -D '{stream}' -d "{conninfo}" --slot={slot} {sync} --no-password \\
      >> '{stream}/.receive-wal.log' 2>&1
  sleep 1
done
"""


def write_scripts(
    repo: Repo, *, pgdata: Path | None, conninfo: str, bindir: Path, slot: str, synchronous: bool
) -> Path:
    """(Re)write bin/archive-wal and bin/receive-wal; returns the archive script path."""
    comp = CODECS[repo.compression][1]
    steps = []
    src = '"$p"'
    if comp and repo.recipient:
        steps.append(f'{" ".join(comp)} < {src} > "$tmp.c"')
        steps.append(f'age -r {repo.recipient} -o "$tmp" "$tmp.c"')
        steps.append('rm -f "$tmp.c"')
    elif comp:
        steps.append(f'{" ".join(comp)} < {src} > "$tmp"')
    elif repo.recipient:
        steps.append(f'age -r {repo.recipient} -o "$tmp" {src}')
    else:
        steps.append(f'cp {src} "$tmp"')
    archive = repo.bin_dir / "archive-wal"
    archive.write_text(
        ARCHIVE_SCRIPT.format(
            me=archive,
            wal=repo.wal_dir,
            suffix=repo.suffix,
            compression=repo.compression,
            enc=f"age to {repo.recipient}" if repo.recipient else "no",
            encode="\n".join(steps),
        )
    )
    archive.chmod(0o755)
    if pgdata is not None:
        port_line = (
            f"port=$(sed -n 4p '{pgdata}/postmaster.pid' 2>/dev/null || true); "
            '[ -n "$port" ] || { sleep 1; continue; }'
        )
        conn = f"host={pgdata} port=$port {conninfo}"
    else:
        port_line = ":"
        conn = conninfo
    receive = repo.bin_dir / "receive-wal"
    receive.write_text(
        RECEIVE_SCRIPT.format(
            stream=repo.stream_dir,
            slot=slot,
            port_line=port_line,
            bin=bindir,
            conninfo=conn,
            sync="--synchronous" if synchronous else "",
        )
    )
    receive.chmod(0o755)
    return archive
