#!/usr/bin/env bash
# Sets up LokDarpan DB on a fresh machine and runs the main job on the embedded PostgreSQL 18 +
# pgvector: deploy every change, show status, load a deterministic demo day of posts over the
# 145 wards, and print a ward report. Needs only python3 (3.11+); nothing else to install.
set -euo pipefail
cd "$(dirname "$0")"
command -v setpriv >/dev/null 2>&1 || { [ "$(id -u)" -eq 0 ] && apt-get install -y -q util-linux >/dev/null; }
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
LD=.venv/bin/lokdarpan-db
$LD deploy
$LD status | tail -n 1
$LD demo "$@"
$LD report "${WARD:-Jubilee Hills}"
