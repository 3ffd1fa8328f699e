#!/usr/bin/env bash
# Sets up everything the test suite needs on a fresh Debian machine (Debian packages for sqitch
# and pgTAP, a Python venv with the package and its test dependencies) and runs the whole suite
# against an embedded PostgreSQL 18 + pgvector that the suite starts and stops itself.
# Extra arguments go to pytest (e.g. ./test.sh -k partition). Exit code: pytest's, except that
# "no tests ran" (pytest exit 5) is an error.
set -euo pipefail
cd "$(dirname "$0")"

apt_need=()
command -v sqitch >/dev/null 2>&1 || apt_need+=(sqitch libdbd-pg-perl)
perl -MDBD::Pg -e1 >/dev/null 2>&1 || apt_need+=(libdbd-pg-perl)
[ -f /usr/share/postgresql/15/extension/pgtap.control ] || apt_need+=(postgresql-15-pgtap)
command -v pg_prove >/dev/null 2>&1 || apt_need+=(pgtap)
command -v setpriv >/dev/null 2>&1 || apt_need+=(util-linux)
command -v zstd >/dev/null 2>&1 || apt_need+=(zstd)   # pitr: compression of backups and WAL
command -v age >/dev/null 2>&1 || apt_need+=(age)     # pitr: encrypted repositories
if [ ${#apt_need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${apt_need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${apt_need[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "test.sh: pytest collected no tests: failing" >&2
  exit 1
fi
exit "$rc"
