# shellcheck shell=bash
# Restoring dumps into a server: the code the restore Job and the restore
# drill share (after sets.sh). Nothing here relies on `set -e`: every
# client call is checked where it is made, because a failed call that
# reads as an answer ("no such database") is how data gets lost.
#
# restore_dumps proves every file whole before it changes anything, asks
# the server once which databases exist (and stops if it cannot tell),
# applies the roles in one transaction, then restores each database in one
# transaction. A database it creates and cannot fill is dropped again; a
# database that existed before is never dropped. Where it stops, it says
# which databases are restored and which are as they were.

# Names joined for a message: `a, b`, or `none`.
joined() {
  local out="" name
  for name in "$@"; do out+="${out:+, }${name}"; done
  printf '%s\n' "${out:-none}"
}

# A roles file is whole: gzip's own check, and pg_dumpall's closing line.
check_globals() {
  local ending
  if ! gzip --test -- "$1" 2>/dev/null; then
    echo "${BACKUP_DIR}/$1 is damaged (gzip)" >&2
    return 1
  fi
  if ! ending=$(gunzip -c -- "$1" | tail -n 3); then
    echo "${BACKUP_DIR}/$1 cannot be read (gunzip)" >&2
    return 1
  fi
  if ! grep -qxF -- '-- PostgreSQL database cluster dump complete' <<<"${ending}"; then
    echo "${BACKUP_DIR}/$1 ends before pg_dumpall finished it" >&2
    return 1
  fi
}

# A database dump is whole and holds the database its name says: its
# header names it, and every table's data reads to the end (a table of
# contents alone survives a cut).
check_dump() {
  local dump=$1 db=$2 toc
  if ! toc=$(pg_restore --list -- "${dump}"); then
    echo "${BACKUP_DIR}/${dump} is cut off or damaged (pg_restore cannot read its table of contents)" >&2
    return 1
  fi
  # pg_restore writes the name with newlines and carriage returns as spaces.
  local header_name=${db//$'\n'/ }
  header_name=${header_name//$'\r'/ }
  if [[ ${toc} != *$'\n;     dbname: '"${header_name}"$'\n;     TOC Entries: '* ]]; then
    echo "${BACKUP_DIR}/${dump} does not say it holds database $(escape_name "${db}") (its header: $(grep -m 1 '^;     dbname: ' <<<"${toc}" || echo none))" >&2
    return 1
  fi
  if ! pg_restore --file=/dev/null -- "${dump}"; then
    echo "${BACKUP_DIR}/${dump} is cut off or damaged (pg_restore cannot read it whole)" >&2
    return 1
  fi
}

# Roles that exist already are left as they are (their passwords belong to
# the Secret or to whoever set them); the others are created as dumped,
# with their memberships, all in one transaction.
apply_globals() {
  local file=$1 existing
  if ! existing=$(psql_script --dbname=postgres --command='SELECT quote_ident(rolname) FROM pg_roles'); then
    echo "asking the server which roles exist failed" >&2
    return 1
  fi
  # The names reach awk through its environment: -v would read their escapes.
  if ! gunzip -c -- "${file}" |
    EXISTING=${existing} awk '
      BEGIN { n = split(ENVIRON["EXISTING"], names, "\n"); for (i = 1; i <= n; i++) have[names[i]] = 1 }
      /^CREATE ROLE / { for (r in have) if ($0 == "CREATE ROLE " r ";") next }
      /^ALTER ROLE / { for (r in have) if (index($0, "ALTER ROLE " r " WITH ") == 1) next }
      { print }' |
    psql_script --dbname=postgres --single-transaction >/dev/null; then
    echo "applying the roles of ${BACKUP_DIR}/${file} failed; the roles ran in one transaction, so none was changed" >&2
    return 1
  fi
  echo "applied the roles of ${BACKUP_DIR}/${file}"
}

# restore_dumps GLOBALS DATABASE DUMP [DATABASE DUMP ...]
# GLOBALS may be empty (no roles file). Returns 1 after saying where it
# stopped and what state each database is in.
restore_dumps() {
  local globals=$1 listing escaped db dump create_sql i j
  shift
  local -a databases=() dumps=()
  while [ "$#" -ge 2 ]; do
    databases+=("$1")
    dumps+=("$2")
    shift 2
  done

  local proved=yes
  if [ -n "${globals}" ] && ! check_globals "${globals}"; then proved=no; fi
  for i in "${!dumps[@]}"; do
    if ! check_dump "${dumps[i]}" "${databases[i]}"; then proved=no; fi
  done
  if [ "${proved}" != yes ]; then
    echo "a file above is not whole; nothing was restored" >&2
    return 1
  fi

  if ! listing=$(psql_script --dbname=postgres --set=skip= --file="${JOB_DIR}/databases.sql"); then
    echo "asking the server which databases exist failed; nothing was restored" >&2
    return 1
  fi
  local -A existed=()
  while IFS= read -r escaped; do
    if [ -n "${escaped}" ]; then
      unescape db "${escaped}"
      existed[${db}]=1
    fi
  done <<<"${listing}"

  if [ -n "${globals}" ] && ! apply_globals "${globals}"; then
    echo "nothing was restored" >&2
    return 1
  fi

  local -a restored=()
  for i in "${!dumps[@]}"; do
    db=${databases[i]}
    dump=${dumps[i]}
    local created=no why=""
    if [ -z "${existed[${db}]:-}" ]; then
      # The database as the dump describes it (owner, encoding, locale),
      # from the statements pg_restore --create runs before it connects.
      if ! create_sql=$(pg_restore --create --schema-only --file=- -- "${dump}" |
        awk '/^\\connect / { done = 1 } !done { print }'); then
        why="reading how to create it from ${dump} failed; it still does not exist"
      elif ! grep -q '^CREATE DATABASE ' <<<"${create_sql}"; then
        why="${dump} does not say how to create it; it still does not exist"
      elif ! psql_script --dbname=postgres <<<"${create_sql}" >/dev/null; then
        why="creating it failed (if the server created it before the connection broke, it is empty: look with RESTORE_FILE=verify)"
      else
        created=yes
      fi
    fi
    if [ -z "${why}" ]; then
      if pg_restore --no-password --clean --if-exists --single-transaction --exit-on-error \
        --dbname="$(conninfo_for "${db}")" -- "${dump}"; then
        restored+=("$(escape_name "${db}")")
        echo "restored database $(escape_name "${db}") from ${BACKUP_DIR}/${dump}"
        continue
      fi
      if [ "${created}" = yes ]; then
        if psql_script --dbname=postgres --set=db="${db}" <<<'DROP DATABASE :"db";'; then
          why="its restore failed; it did not exist before this run, which created it and dropped it again"
        else
          why="its restore failed; this run created it and could not drop it again: it is empty, drop it by hand"
        fi
      else
        why="its restore failed; the restore ran in one transaction, so it is as it was before"
      fi
    fi
    local -a untouched=()
    for ((j = i + 1; j < ${#databases[@]}; j++)); do untouched+=("$(escape_name "${databases[j]}")"); done
    {
      echo "stopped at database $(escape_name "${db}") (${dump}): ${why}"
      echo "  restored from the set: $(joined "${restored[@]}")"
      echo "  not started, as they were before: $(joined "${untouched[@]}")"
      echo "  to go on: remove the cause and run the same restore again; a database restored twice from one dump ends the same"
    } >&2
    return 1
  done
}
