# shellcheck shell=bash
# What a dump set is: the one definition the backup, the restore Job and the
# restore drill share (each sources this file from the folder it runs from).
#
# A set is every file of one backup run, named by the run's UTC time, its
# stamp (2026-12-02T020000Z), in BACKUP_DIR:
#   pg_globals-<stamp>.sql.gz        the roles and their memberships
#   pg_dump-<database>-<stamp>.dump  one custom-format dump per database
#   pg_manifest-<stamp>.tsv          written last: the set's databases and
#                                    every table's row count
# A set is complete when its manifest's last line is `end`: the backup got
# to the end of the run. A file is written under a hidden `.<name>.partial`
# and renamed when whole, so a visible file is never half-written.
#
# Database and table names are data: a database name appears in a file name
# with every byte outside [A-Za-z0-9_-] written as %XX (`my db` is
# `my%20db`), and in the manifest, as table names do, with `\`, tab, newline
# and carriage return written as `\\`, `\t`, `\n` and `\r`.
#
# Needs: BACKUP_DIR as the working directory, libpq's connection variables.

shopt -s nullglob

# Where the scripts and their SQL files are.
# shellcheck disable=SC2034 # read by the scripts that source this file
readonly JOB_DIR="${BASH_SOURCE[0]%/*}"
readonly STAMP_RE='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z'

# A failure that ends the run: the message, then exit 1.
die() {
  printf '%s\n' "$*" >&2
  exit 1
}

is_stamp() {
  [[ $1 =~ ^${STAMP_RE}$ ]]
}

# A database name as it appears in a file name.
file_part() {
  local LC_ALL=C
  local name=$1 out="" c code i
  for ((i = 0; i < ${#name}; i++)); do
    c=${name:i:1}
    case ${c} in
      [A-Za-z0-9_-]) out+=${c} ;;
      *)
        printf -v code '%d' "'${c}"
        printf -v c '%%%02X' "$((code & 255))"
        out+=${c}
        ;;
    esac
  done
  printf '%s\n' "${out}"
}


# A name as the manifest, the SQL files and every message write it: on one
# line, whatever it holds.
escape_name() {
  local name=${1//\\/\\\\}
  name=${name//$'\t'/\\t}
  name=${name//$'\n'/\\n}
  printf '%s\n' "${name//$'\r'/\\r}"
}

# unescape VAR TEXT: sets VAR to the name TEXT stands for, as the manifest
# and the SQL files write it (into a variable: a name may end in a newline,
# which $(...) would drop).
unescape() {
  printf -v "$1" '%b' "$2"
}

globals_file() { printf 'pg_globals-%s.sql.gz\n' "$1"; }
manifest_file() { printf 'pg_manifest-%s.tsv\n' "$1"; }
dump_file() { printf 'pg_dump-%s-%s.dump\n' "$(file_part "$1")" "$2"; }

# The stamp of a file of a set; fails for any other file (a stray
# `pg_manifest-manual.tsv` is no set).
stamp_of() {
  if [[ $1 =~ ^pg_globals-(${STAMP_RE})\.sql\.gz$ ]] ||
    [[ $1 =~ ^pg_manifest-(${STAMP_RE})\.tsv$ ]] ||
    [[ $1 =~ ^pg_dump-([A-Za-z0-9_-]|%[0-9A-F]{2})+-(${STAMP_RE})\.dump$ ]]; then
    printf '%s\n' "${BASH_REMATCH[-1]}"
  else
    return 1
  fi
}

# database_of_dump VAR FILE: sets VAR to the database a dump file holds,
# from its name; fails for any other file.
database_of_dump() {
  [[ $2 =~ ^pg_dump-(([A-Za-z0-9_-]|%[0-9A-F]{2})+)-${STAMP_RE}\.dump$ ]] || return 1
  local part=${BASH_REMATCH[1]}
  printf -v "$1" '%b' "${part//%/\\x}"
}

# Every set's stamp, newest first, one per line.
all_sets() {
  local file stamp
  for file in pg_globals-*.sql.gz pg_dump-*.dump pg_manifest-*.tsv; do
    if stamp=$(stamp_of "${file}"); then printf '%s\n' "${stamp}"; fi
  done | sort -r -u
}

# The dump files of a set, one per line.
dumps_of_set() {
  local file
  for file in pg_dump-*-"$1".dump; do
    if [ "$(stamp_of "${file}")" = "$1" ]; then printf '%s\n' "${file}"; fi
  done
}

# Every file of a set, one per line: its roles file, its dumps, its
# manifest (those that exist and those it should have).
files_of_set() {
  globals_file "$1" && dumps_of_set "$1" && manifest_file "$1"
}

# Why a set is not complete; nothing (and status 0) when it is.
incomplete_because() {
  local manifest last
  manifest=$(manifest_file "$1")
  if [ ! -f "${manifest}" ]; then
    echo "no manifest: its backup did not finish (or ran before backups wrote manifests)"
    return 0
  fi
  last=$(tail -n 1 -- "${manifest}") || {
    echo "its manifest ${manifest} cannot be read"
    return 0
  }
  if [ "${last}" != end ]; then
    echo "its manifest ${manifest} is cut off (no \`end\` line)"
  fi
}

# The newest complete set's stamp; with `skipped`, first one line per newer
# incomplete set, `skipped <stamp>: <why>`. Fails when there is none.
newest_complete_set() {
  local sets stamp why
  sets=$(all_sets) || return 1
  while IFS= read -r stamp; do
    [ -n "${stamp}" ] || continue
    why=$(incomplete_because "${stamp}")
    if [ -z "${why}" ]; then
      printf '%s\n' "${stamp}"
      return 0
    fi
    if [ "${1:-}" = skipped ]; then printf 'skipped %s: %s\n' "${stamp}" "${why}"; fi
  done <<<"${sets}"
  return 1
}

# The databases a complete set's manifest lists, one per line, as written
# there (escaped).
manifest_databases() {
  awk -F'\t' '$1 == "database" { print $2 }' "$(manifest_file "$1")"
}

# The problems of a complete set, one per line: the manifest and the dumps
# must name the same databases, and the roles file must be there. Nothing
# when it is consistent.
set_problems() {
  local stamp=$1 listed dumps escaped db file
  local -A in_manifest=()
  listed=$(manifest_databases "${stamp}") || {
    echo "its manifest $(manifest_file "${stamp}") cannot be read"
    return 0
  }
  dumps=$(dumps_of_set "${stamp}") || {
    echo "the dumps of set ${stamp} cannot be listed"
    return 0
  }
  if [ ! -f "$(globals_file "${stamp}")" ]; then
    echo "its roles file $(globals_file "${stamp}") is missing"
  fi
  while IFS= read -r escaped; do
    [ -n "${escaped}" ] || continue
    unescape db "${escaped}"
    file=$(dump_file "${db}" "${stamp}")
    in_manifest[${file}]=1
    if [ ! -f "${file}" ]; then
      echo "database ${escaped} is in the manifest, but its dump ${file} is missing"
    fi
  done <<<"${listed}"
  while IFS= read -r file; do
    [ -n "${file}" ] || continue
    if [ -z "${in_manifest[${file}]:-}" ]; then
      echo "the dump ${file} is not in the manifest"
    fi
  done <<<"${dumps}"
}

# psql for scripts: no password prompt, no ~/.psqlrc, stop at the first
# error, rows as plain lines.
psql_script() {
  psql --no-password --no-psqlrc --quiet --no-align --tuples-only --set=ON_ERROR_STOP=1 "$@"
}

# A libpq connection string naming one database, whatever its name holds.
conninfo_for() {
  local value=${1//\\/\\\\}
  printf "dbname='%s'\n" "${value//\'/\\\'}"
}

# Connect to the primary itself where PRIMARY_CANDIDATES lists the server
# pods (a proxy such as pgpool may send a session to a replica, where an
# exported snapshot or a write cannot go): exports PGHOST.
use_primary() {
  local host answer
  [ -n "${PRIMARY_CANDIDATES:-}" ] || return 0
  for host in ${PRIMARY_CANDIDATES}; do
    if ! answer=$(PGHOST=${host} psql_script --dbname=postgres --command='SELECT pg_is_in_recovery()' 2>&1); then
      echo "${host}: not reachable: ${answer%%$'\n'*}" >&2
    elif [ "${answer}" = t ]; then
      echo "${host}: a replica"
    elif [ "${answer}" = f ]; then
      export PGHOST=${host}
      echo "using the primary, ${host}"
      return 0
    else
      echo "${host}: unexpected answer: ${answer%%$'\n'*}" >&2
    fi
  done
  echo "no primary among ${PRIMARY_CANDIDATES}" >&2
  return 1
}
