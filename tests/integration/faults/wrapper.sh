#!/bin/bash
# A test's stand-in for a program, put before the real one in PATH by
# tests/integration/faults.rs under the names psql, pg_dump, pg_dumpall,
# pg_restore, mv and date. FAULTS_STATE is a folder holding the counters.
#   psql, pg_dump, pg_dumpall, pg_restore: every call is counted and logged
#     (`<n> <program> <arguments> (PGHOST=<host>)`); call FAIL_AT fails
#     before it connects, as a refused connection does; with
#     WRITE_BEFORE_DUMP, each pg_dump first runs that SQL in database appdb
#     on WRITER_HOST (else PGHOST): a writer between the snapshot the backup
#     exported and pg_dump reading it.
#   mv: after rename KILL_AT, the script that asked for it is killed
#     (SIGKILL: no trap runs), as a node that dies mid-backup.
#   date: `date -u +%s` tells a time one minute after the last one told,
#     so every backup in a test gets a set of its own.
set -euo pipefail
name=${0##*/}
state=${FAULTS_STATE:?FAULTS_STATE is not set}

# The next value of the counter in file $1, under a lock: clients of one
# backup run at the same time.
next() {
  local n
  exec 9>>"${state}/lock"
  flock 9
  n=$(($(cat -- "$1") + ${2:-1}))
  echo "${n}" >"$1"
  exec 9>&-
  echo "${n}"
}

case ${name} in
  date)
    if [ "$*" = "-u +%s" ]; then
      next "${state}/now" 60
      exit 0
    fi
    exec /bin/date "$@"
    ;;
  mv)
    /bin/mv "$@"
    n=$(next "${state}/renames")
    if [ "${n}" = "${KILL_AT:-0}" ]; then kill -KILL "${PPID}"; fi
    exit 0
    ;;
esac

n=$(next "${state}/calls")
printf '%s %s %s (PGHOST=%s)\n' "${n}" "${name}" "$*" "${PGHOST:-}" >>"${state}/log"
if [ "${n}" = "${FAIL_AT:-0}" ]; then
  echo "${name}: error: connection to server failed: FATAL:  sorry, too many clients already" >&2
  exit 2
fi
if [ "${name}" = pg_dump ] && [ -n "${WRITE_BEFORE_DUMP:-}" ]; then
  PGHOST=${WRITER_HOST:-${PGHOST:-}} "${REAL_BIN:?}/psql" --no-psqlrc --quiet --set=ON_ERROR_STOP=1 \
    --dbname=appdb --command="${WRITE_BEFORE_DUMP}"
fi
exec "${REAL_BIN:?}/${name}" "$@"
