#!/bin/bash
# The restore Job's script. RESTORE_FILE chooses what it does:
#   (empty), list  list the dump sets, newest first, complete or not, and
#                  change nothing
#   verify         list the databases with their sizes
#   latest         restore the newest complete set (saying which newer,
#                  incomplete sets it skipped)
#   <time>         restore the set of that UTC time, e.g. 2026-12-02T020000Z;
#                  an incomplete set is refused with the reason
#   <file>         restore one database dump, pg_dump-<db>-<time>.dump (after
#                  the roles of its set), or only the roles,
#                  pg_globals-<time>.sql.gz
# Settings from the environment: RESTORE_FILE, BACKUP_DIR,
# PRIMARY_CANDIDATES (the server pods, where PGHOST is a proxy), PGHOST,
# PGPORT, PGUSER, PGPASSWORD.
set -euo pipefail
# A client that dies makes a write to it fail (and that is checked) rather
# than end this script unannounced.
trap '' PIPE
here=${BASH_SOURCE[0]%/*}
# shellcheck source=sets.sh
source "${here}/sets.sh" || exit 1
# shellcheck source=restore-set.sh
source "${here}/restore-set.sh" || exit 1

cd -- "${BACKUP_DIR:?BACKUP_DIR is not set}" || die "cannot enter the backup volume ${BACKUP_DIR}; nothing was restored"

list_sets() {
  local sets stamp why count listing
  sets=$(all_sets) || die "listing ${BACKUP_DIR} failed"
  if [ -z "${sets}" ]; then
    echo "no dump sets in ${BACKUP_DIR}"
  else
    echo "dump sets in ${BACKUP_DIR}, newest first (RESTORE_FILE=<time> restores a complete one):"
    while IFS= read -r stamp; do
      why=$(incomplete_because "${stamp}")
      if [ -n "${why}" ]; then
        echo "${stamp}: incomplete: ${why}"
      else
        count=$(manifest_databases "${stamp}" | grep -c .) || count=0
        echo "${stamp}: complete, ${count} database(s)"
      fi
      local -a files=()
      listing=$(files_of_set "${stamp}") || die "listing the files of set ${stamp} failed"
      mapfile -t files <<<"${listing}"
      for file in "${files[@]}"; do
        if [ -f "${file}" ]; then stat --format='  %n  %s bytes' -- "${file}"; fi
      done
    done <<<"${sets}"
  fi
  local -a legacy=(pg_dumpall-*.sql.gz)
  if [ "${#legacy[@]}" -gt 0 ]; then
    echo "in the earlier one-file format (restore by hand, README.md):"
    stat --format='  %n  %s bytes' -- "${legacy[@]}"
  fi
}

# The databases of a complete set, with their dumps, as restore_dumps takes
# them; refuses a set whose manifest and dumps disagree.
set_arguments() {
  local stamp=$1 problems listed escaped db
  problems=$(set_problems "${stamp}")
  if [ -n "${problems}" ]; then
    printf '%s\n' "${problems}" >&2
    die "set ${stamp} does not hold what its manifest lists (above); nothing was restored"
  fi
  listed=$(manifest_databases "${stamp}") || die "reading the manifest of set ${stamp} failed; nothing was restored"
  while IFS= read -r escaped; do
    if [ -n "${escaped}" ]; then
      unescape db "${escaped}"
      arguments+=("${db}" "$(dump_file "${db}" "${stamp}")")
    fi
  done <<<"${listed}"
}

not_found() {
  die "no $1 '${choice}' in ${BACKUP_DIR} (run with RESTORE_FILE empty to list them); nothing was restored"
}

choice=${RESTORE_FILE:-}
globals=""
arguments=()
case ${choice} in
  "" | list)
    list_sets
    exit 0
    ;;
  verify)
    use_primary || die "nothing was checked"
    psql --no-password --no-psqlrc --dbname=postgres --command='\l+' || die "listing the databases failed"
    exit 0
    ;;
  */* | .*)
    die "RESTORE_FILE must name a set or a file in ${BACKUP_DIR}, not a path; nothing was restored"
    ;;
  pg_dumpall-*.sql.gz)
    die "${choice} is in the earlier one-file format (one pg_dumpall script that drops every role and database first); this Job cannot restore it safely: follow README.md, 'Dumps in the earlier one-file format'; nothing was restored"
    ;;
  pg_globals-*.sql.gz)
    if ! stamp_of "${choice}" >/dev/null || [ ! -f "${choice}" ]; then not_found "roles file"; fi
    globals=${choice}
    ;;
  pg_dump-*.dump)
    [ -f "${choice}" ] || not_found dump
    database_of_dump db "${choice}" || not_found dump
    stamp=$(stamp_of "${choice}") || not_found dump
    globals=$(globals_file "${stamp}")
    if [ ! -f "${globals}" ]; then
      echo "warning: ${globals} is missing: the dump's roles are not restored, and objects owned by missing roles will fail" >&2
      globals=""
    fi
    arguments=("${db}" "${choice}")
    ;;
  *)
    if [ "${choice}" = latest ]; then
      if ! found=$(newest_complete_set skipped); then
        [ -z "${found}" ] || printf '%s\n' "${found}"
        die "RESTORE_FILE=latest, but there is no complete dump set in ${BACKUP_DIR}; nothing was restored"
      fi
      stamp=${found##*$'\n'}
      if [ "${found}" != "${stamp}" ]; then printf '%s\n' "${found%$'\n'*}"; fi
      echo "latest: the newest complete set is ${stamp}"
    else
      is_stamp "${choice}" || die "RESTORE_FILE='${choice}' is neither a set's time (2026-12-02T020000Z), a dump file, latest, list nor verify; nothing was restored"
      stamp=${choice}
      sets=$(all_sets) || die "listing ${BACKUP_DIR} failed; nothing was restored"
      grep -qxF -- "${stamp}" <<<"${sets}" || not_found "dump set"
      why=$(incomplete_because "${stamp}")
      if [ -n "${why}" ]; then
        listing=$(dumps_of_set "${stamp}") || die "set ${stamp} is incomplete: ${why}; nothing was restored"
        mapfile -t set_dumps <<<"${listing}"
        die "set ${stamp} is incomplete: ${why}; nothing was restored. Restore a complete set (RESTORE_FILE=latest), or this set's whole dumps one at a time (RESTORE_FILE=<file>): $(joined "${set_dumps[@]}")"
      fi
    fi
    globals=$(globals_file "${stamp}")
    set_arguments "${stamp}"
    ;;
esac

use_primary || die "nothing was restored"
restore_dumps "${globals}" "${arguments[@]}" || die "the restore failed (above)"
echo "done"
