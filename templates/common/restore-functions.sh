# The restore code the restore Job and the restore drill share: prove every
# file of a set whole, apply its roles, restore each database in one
# transaction. Needs BACKUP_DIR as the working directory and libpq's
# connection variables.
psql_admin() { psql --no-password --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --dbname=postgres "$@"; }
sets() { ls -1 -- pg_globals-*.sql.gz 2>/dev/null | sed 's/^pg_globals-//; s/\.sql\.gz$//' | sort -r; }
# A file is proved whole before anything is touched: gzip
# integrity and pg_dumpall's last line for the roles, a full
# read of every table's data for a database dump (its table
# of contents alone survives a cut).
check_globals() {
  gzip --test -- "$1" || { echo "${BACKUP_DIR}/$1 is damaged (gzip); nothing was restored" >&2; exit 1; }
  gunzip -c -- "$1" | tail -n 3 | grep -q '^-- PostgreSQL database cluster dump complete$' ||
    { echo "${BACKUP_DIR}/$1 ends before pg_dumpall finished it; nothing was restored" >&2; exit 1; }
}
check_dump() {
  pg_restore --list -- "$1" >/dev/null && pg_restore --file=/dev/null -- "$1" ||
    { echo "${BACKUP_DIR}/$1 is cut off or damaged (pg_restore cannot read it whole); nothing was restored" >&2; exit 1; }
}
# Roles that exist already are left as they are (their
# passwords belong to the Secret or to whoever set them); the
# others are created as dumped, with their memberships.
apply_globals() {
  existing="$(psql_admin --no-align --tuples-only --command 'SELECT quote_ident(rolname) FROM pg_roles')"
  gunzip -c -- "$1" | awk -v existing="${existing}" '
    BEGIN { n = split(existing, names, "\n"); for (i = 1; i <= n; i++) have[names[i]] = 1 }
    /^CREATE ROLE / { for (r in have) if ($0 == "CREATE ROLE " r ";") next }
    /^ALTER ROLE / { for (r in have) if (index($0, "ALTER ROLE " r " WITH ") == 1) next }
    { print }' | psql_admin --single-transaction
  echo "applied the roles of ${BACKUP_DIR}/$1"
}
restore_database() {
  db="$(pg_restore --create --list -- "$1" | awk '$4 == "DATABASE" && $5 == "-" { print $6; exit }')"
  created=no
  if [ -z "$(psql_admin --no-align --tuples-only --command "SELECT 1 FROM pg_database WHERE datname = '${db}'")" ]; then
    pg_restore --create --schema-only --file=- -- "$1" |
      sed -n '/^CREATE DATABASE /p; /^ALTER DATABASE .* OWNER TO /p' | psql_admin
    created=yes
  fi
  if pg_restore --no-password --clean --if-exists --single-transaction --exit-on-error --dbname="${db}" -- "$1"; then
    echo "restored database ${db} from ${BACKUP_DIR}/$1"
    return
  fi
  if [ "${created}" = yes ]; then
    psql_admin --command "DROP DATABASE \"${db}\""
    echo "restoring ${db} from ${BACKUP_DIR}/$1 failed; ${db} did not exist before and was dropped again" >&2
  else
    echo "restoring ${db} from ${BACKUP_DIR}/$1 failed; the restore ran in one transaction, so ${db} is as it was before" >&2
  fi
  return 1
}
restore_set() { # globals file, then database dumps
  globals="$1"; shift
  [ -n "${globals}" ] && check_globals "${globals}"
  for dump in "$@"; do check_dump "${dump}"; done
  [ -n "${globals}" ] && apply_globals "${globals}"
  done_dbs=""
  for dump in "$@"; do
    if ! restore_database "${dump}"; then
      echo "restored before the failure: ${done_dbs:-none}; not started: everything after ${dump}" >&2
      exit 1
    fi
    done_dbs="${done_dbs} ${dump}"
  done
}
stamp_of() { printf '%s\n' "$1" | sed -n 's/.*-\([0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9]\{6\}Z\)\.\(dump\|sql\.gz\)$/\1/p'; }
