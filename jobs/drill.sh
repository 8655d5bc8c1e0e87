#!/bin/bash
# The restore drill's script: restores the newest complete dump set into a
# throwaway PostgreSQL in this pod, with the restore Job's own code, and
# compares it with the set's manifest: the manifest must list every dump and
# every dump must be in the manifest; every table's row count must match.
# Settings from the environment:
#   BACKUP_DIR  the backup volume (read-only is enough)
#   DRILL_DIR   an empty folder for the throwaway server
#   PG_MAJOR    the server's PostgreSQL major (where its programs are)
set -euo pipefail
# A client that dies makes a write to it fail (and that is checked) rather
# than end this script unannounced.
trap '' PIPE
here=${BASH_SOURCE[0]%/*}
# shellcheck source=sets.sh
source "${here}/sets.sh" || exit 1
# shellcheck source=restore-set.sh
source "${here}/restore-set.sh" || exit 1
# The throwaway server is reached through its socket only.
unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PRIMARY_CANDIDATES

cd -- "${BACKUP_DIR:?BACKUP_DIR is not set}" || die "drill failed: cannot enter the backup volume ${BACKUP_DIR}"

if ! found=$(newest_complete_set skipped); then
  [ -z "${found}" ] || printf '%s\n' "${found}" >&2
  die "drill failed: no complete dump set (one whose pg_manifest-<time>.tsv ends in \`end\`) in ${BACKUP_DIR}"
fi
set_name=${found##*$'\n'}
if [ "${found}" != "${set_name}" ]; then printf '%s\n' "${found%$'\n'*}"; fi
fail() { die "drill of set ${set_name} failed: $*"; }
echo "drill of set ${set_name}"

# The manifest and the dumps must name the same databases, both ways.
problems=$(set_problems "${set_name}")
if [ -n "${problems}" ]; then
  printf '%s\n' "${problems}" >&2
  fail "the set does not hold what its manifest lists (above)"
fi
listed=$(manifest_databases "${set_name}") || fail "its manifest cannot be read"
arguments=()
escaped_names=()
while IFS= read -r escaped; do
  if [ -n "${escaped}" ]; then
    unescape db "${escaped}"
    arguments+=("${db}" "$(dump_file "${db}" "${set_name}")")
    escaped_names+=("${escaped}")
  fi
done <<<"${listed}"

# A throwaway server of the cluster's major, in this pod only: its data in
# DRILL_DIR, reached through a socket there.
for dir in "/usr/lib/postgresql/${PG_MAJOR:-}/bin" /opt/bitnami/postgresql/bin; do
  if [ -x "${dir}/initdb" ]; then
    PATH="${dir}:${PATH}"
    break
  fi
done
if ! id -un >/dev/null 2>&1; then
  # initdb needs a user name; images run as an anonymous uid carry nss_wrapper.
  for lib in /opt/bitnami/common/lib/libnss_wrapper.so /usr/lib/*/libnss_wrapper.so; do
    if [ -f "${lib}" ]; then
      if ! printf 'postgres:x:%s:%s:drill:%s:/bin/false\n' "$(id -u)" "$(id -g)" "${DRILL_DIR}" >"${DRILL_DIR}/passwd" ||
        ! printf 'postgres:x:%s:\n' "$(id -g)" >"${DRILL_DIR}/group"; then
        fail "writing nss_wrapper's user files failed"
      fi
      export LD_PRELOAD="${lib}" NSS_WRAPPER_PASSWD="${DRILL_DIR}/passwd" NSS_WRAPPER_GROUP="${DRILL_DIR}/group"
      break
    fi
  done
fi
export PGDATA="${DRILL_DIR}/data" PGHOST="${DRILL_DIR}" PGPORT=5432 PGUSER=postgres
initdb --username=postgres --auth=trust --no-sync >/dev/null || fail "initdb of the throwaway server failed"
if ! pg_ctl start --wait --silent --log="${DRILL_DIR}/server.log" \
  -o "-c listen_addresses='' -c unix_socket_directories='${DRILL_DIR}' -c fsync=off -c shared_buffers=128MB"; then
  cat -- "${DRILL_DIR}/server.log" >&2
  fail "the throwaway server did not start"
fi
trap 'pg_ctl stop --silent --mode=fast >/dev/null 2>&1 || true' EXIT

# The restore Job's own code: every file proved whole, then the roles, then
# each database in one transaction.
restore_dumps "$(globals_file "${set_name}")" "${arguments[@]}" || fail "the restore failed (above)"

# Every table's row count against the manifest, one line per difference.
differences=()
for i in "${!escaped_names[@]}"; do
  escaped=${escaped_names[i]}
  # The name reaches awk through its environment: -v would read its escapes.
  expected=$(DB=${escaped} awk -F'\t' '$1 == "table" && $2 == ENVIRON["DB"] { print $3 "\t" $4 }' "$(manifest_file "${set_name}")") ||
    fail "reading the manifest failed"
  actual=$(psql_script --dbname="$(conninfo_for "${arguments[2 * i]}")" --file="${JOB_DIR}/row-counts.sql") ||
    fail "counting the rows of the restored database ${escaped} failed"
  report=$(DB=${escaped} awk -F'\t' '
    NR == FNR { if (NF) want[$1] = $2; next }
    NF { got[$1] = $2 }
    END {
      db = ENVIRON["DB"]
      for (t in want) {
        if (!(t in got)) print "database " db ", table " t ": " want[t] " rows in the manifest, missing after the restore"
        else if (want[t] != got[t]) print "database " db ", table " t ": " want[t] " rows in the manifest, " got[t] " after the restore"
      }
      for (t in got) if (!(t in want)) print "database " db ", table " t ": restored, but not in the manifest"
    }' <(printf '%s\n' "${expected}") <(printf '%s\n' "${actual}") | LC_ALL=C sort) ||
    fail "comparing database ${escaped} with the manifest failed"
  if [ -n "${report}" ]; then
    mapfile -t lines <<<"${report}"
    differences+=("${lines[@]}")
  fi
done
if [ "${#differences[@]}" -gt 0 ]; then
  printf '%s\n' "${differences[@]}" >&2
  fail "the restored databases differ from the manifest (above)"
fi
echo "drill of set ${set_name} passed: ${#escaped_names[@]} database(s) restored, every table's row count as recorded"
