#!/bin/bash
# The backup CronJob's script: one dump set per run (sets.sh says what a set
# is): the roles, one dump per database, then the manifest, written last;
# then the sets older than RETENTION_DAYS are deleted, never before a
# complete set is written. Settings from the environment:
#   BACKUP_DIR          the backup volume
#   BACKUP_DATABASES    the databases to dump, one per line; empty: every
#                       database but the templates and SKIP_DATABASES
#   SKIP_DATABASES      a backend's own databases, one per line (repmgr's)
#   RETENTION_DAYS      how long a set is kept
#   PRIMARY_CANDIDATES  the server pods, where PGHOST is a proxy
#   PGHOST, PGPORT, PGUSER, PGPASSWORD
set -euo pipefail
# A client that dies makes a write to it fail (and that is checked) rather
# than end this script unannounced.
trap '' PIPE
here=${BASH_SOURCE[0]%/*}
# shellcheck source=sets.sh
source "${here}/sets.sh" || exit 1

umask 077
cd -- "${BACKUP_DIR:?BACKUP_DIR is not set}" || die "cannot enter the backup volume ${BACKUP_DIR}; nothing was written"
[[ ${RETENTION_DAYS:-} =~ ^[1-9][0-9]*$ ]] || die "RETENTION_DAYS='${RETENTION_DAYS:-}' is not a number of days; nothing was written"

now=$(date -u +%s) || die "reading the clock failed; nothing was written"
stamp=$(date -u -d "@${now}" +%Y-%m-%dT%H%M%SZ) || die "reading the clock failed; nothing was written"
is_stamp "${stamp}" || die "the clock gave '${stamp}', not a UTC time; nothing was written"

use_primary || die "nothing was written"

# The set's name is claimed by creating its manifest exclusively: a second
# backup started in the same second stops here instead of mixing files.
manifest=$(manifest_file "${stamp}")
partial_manifest=".${manifest}.partial"
if all_sets | grep -qxF -- "${stamp}" || ! (set -o noclobber && : >"${partial_manifest}") 2>/dev/null; then
  die "set ${stamp} exists or is being written by another backup; nothing was written"
fi
# This run's files until they are whole; removed when it ends, however.
work=""
remove_partials() {
  local partial
  for partial in .pg_*-"${stamp}".*.partial; do rm -f -- "${partial}"; done
  if [ -n "${work}" ]; then rm -rf -- "${work}"; fi
}
trap remove_partials EXIT
printf '# pgrender backup manifest %s: each database of the set, and the rows of each of its tables in the snapshot it was dumped from\n' "${stamp}" >"${partial_manifest}" ||
  die "writing ${partial_manifest} failed; set ${stamp} is incomplete"

if [ -n "${BACKUP_DATABASES:-}" ]; then
  listing=${BACKUP_DATABASES}
elif ! listing=$(psql_script --dbname=postgres --set=skip="${SKIP_DATABASES:-}" --file="${JOB_DIR}/databases.sql"); then
  die "listing the databases failed; nothing was written"
fi
databases=()
while IFS= read -r escaped; do
  if [ -n "${escaped}" ]; then
    unescape db "${escaped}"
    databases+=("${db}")
  fi
done <<<"${listing}"
[ "${#databases[@]}" -gt 0 ] || die "there is no database to dump; nothing was written"
# pg_dump, pg_restore and psql refuse a database name holding a newline or a
# carriage return in the statements a restore runs (CVE-2016-5424): such a
# database could be dumped but never restored, so it is refused up front.
for db in "${databases[@]}"; do
  if [[ ${db} == *[$'\n\r']* ]]; then
    die "database '$(escape_name "${db}")' has a newline or carriage return in its name, which no restore can recreate: rename it (ALTER DATABASE ... RENAME TO ...); nothing was written"
  fi
done

globals=$(globals_file "${stamp}")
pg_dumpall --globals-only --no-password | gzip -c >".${globals}.partial" ||
  die "dumping the roles (pg_dumpall --globals-only) failed; set ${stamp} is incomplete"
mv -- ".${globals}.partial" "${globals}" || die "renaming ${globals} failed; set ${stamp} is incomplete"
echo "wrote ${BACKUP_DIR}/${globals}"

work=$(mktemp -d) || die "making a folder for the snapshot session failed; set ${stamp} is incomplete"
mkfifo -- "${work}/to-psql" "${work}/from-psql" || die "making the snapshot session's pipes failed; set ${stamp} is incomplete"

# Dump one database and add it to the manifest: a session exports a
# snapshot and holds it open while pg_dump reads it, then counts every
# table's rows in it. Says what failed and returns 1.
dump_database() {
  local db=$1 escaped file session to from snapshot line counted=no status=0
  local -a counts=()
  escaped=$(escape_name "${db}")
  file=$(dump_file "${db}" "${stamp}")
  psql_script --dbname="$(conninfo_for "${db}")" <"${work}/to-psql" >"${work}/from-psql" &
  session=$!
  exec {to}>"${work}/to-psql" {from}<"${work}/from-psql"
  if ! printf '%s\n' 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;' 'SELECT pg_export_snapshot();' >&"${to}" ||
    ! IFS= read -r snapshot <&"${from}" || [[ ! ${snapshot} =~ ^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$ ]]; then
    echo "exporting a snapshot of database ${escaped} failed" >&2
    status=1
  elif ! pg_dump --format=custom --no-password --snapshot="${snapshot}" --dbname="$(conninfo_for "${db}")" --file=".${file}.partial"; then
    echo "pg_dump of database ${escaped} failed" >&2
    status=1
  elif ! { cat -- "${JOB_DIR}/row-counts.sql" && printf '%s\n' "SELECT 'end-of-counts';" 'COMMIT;'; } >&"${to}"; then
    echo "counting the rows of database ${escaped} failed (the session ended)" >&2
    status=1
  else
    while IFS= read -r line <&"${from}"; do
      if [ "${line}" = end-of-counts ]; then
        counted=yes
        break
      fi
      counts+=("${line}")
    done
  fi
  exec {to}>&- {from}<&-
  if ! wait "${session}" && [ "${status}" = 0 ]; then
    echo "the snapshot session of database ${escaped} failed" >&2
    status=1
  fi
  if [ "${status}" = 0 ] && [ "${counted}" != yes ]; then
    echo "counting the rows of database ${escaped} failed" >&2
    status=1
  fi
  [ "${status}" = 0 ] || return 1
  {
    printf 'database\t%s\n' "${escaped}"
    for line in "${counts[@]}"; do printf 'table\t%s\t%s\n' "${escaped}" "${line}"; done
  } >>"${partial_manifest}" || {
    echo "writing the manifest of set ${stamp} failed" >&2
    return 1
  }
  mv -- ".${file}.partial" "${file}" || {
    echo "renaming ${file} failed" >&2
    return 1
  }
  echo "wrote ${BACKUP_DIR}/${file}"
}

for db in "${databases[@]}"; do
  dump_database "${db}" || die "set ${stamp} is incomplete: the dumps before this one are whole and stay; the next backup writes a new set"
done

echo end >>"${partial_manifest}" || die "writing the manifest of set ${stamp} failed; set ${stamp} is incomplete"
mv -- "${partial_manifest}" "${manifest}" || die "renaming ${manifest} failed; set ${stamp} is incomplete"
echo "wrote ${BACKUP_DIR}/${manifest}"
echo "complete set: ${stamp}"

# Retention, now that a complete set is written: whole sets by their time,
# never this one; leftovers of killed runs and dumps in the earlier
# one-file format by their age.
cutoff=$(date -u -d "@$((now - RETENTION_DAYS * 86400))" +%Y-%m-%dT%H%M%SZ) ||
  die "set ${stamp} is complete; reading the clock for the retention failed, so no old set was deleted"
old_sets=$(all_sets) || die "set ${stamp} is complete; listing the old sets failed, so none was deleted"
while IFS= read -r old; do
  if [ -n "${old}" ] && [ "${old}" != "${stamp}" ] && [[ ${old} < ${cutoff} ]]; then
    listing=$(files_of_set "${old}") || die "set ${stamp} is complete; listing the files of the old set ${old} failed"
    mapfile -t files <<<"${listing}"
    for file in "${files[@]}"; do
      if [ -f "${file}" ]; then
        rm -f -- "${file}" || die "set ${stamp} is complete; deleting ${file} of the old set ${old} failed"
        echo "deleted ${BACKUP_DIR}/${file}"
      fi
    done
  fi
done <<<"${old_sets}"
find . -maxdepth 1 -type f \( -name '.pg_*.partial' -o -name 'pg_dumpall-*.sql.gz' \) -mmin +"$((RETENTION_DAYS * 24 * 60))" -print -delete ||
  die "set ${stamp} is complete; deleting old leftovers failed"
