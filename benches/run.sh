#!/usr/bin/env bash
# Whole-process benchmarks of pgrender against a no-op process and the
# Python peer (benches/baseline.py: jinja2 + PyYAML + jsonschema), all in
# the same run so the ratios hold on a noisy machine. Prints the tables of
# benches/README.md.
#
# Usage: benches/run.sh
#   Builds the shipped binary (scripts/build-static) and the plain
#   `cargo build --release` one from this tree. To compare with another
#   build in the same run, point BEFORE (shipped) and BEFORE_PLAIN (plain)
#   at its binaries: their rows are added as "before". BEFORE_SPECS is the
#   spec folder they render (default kubernetes/specs); set it to the other
#   tree's when the reference spec gained fields that build does not know.
# Installs hyperfine (Debian) and the Python packages (PyPI, into
# target/bench-venv) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
W="$PWD/target/bench"
PG="$PWD/target/static/pgrender"
PLAIN="$PWD/target/release/pgrender"
PY="$PWD/target/bench-venv/bin/python"

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
[ -x "$PY" ] || { python3 -m venv target/bench-venv && "$PY" -m pip install -q jinja2 pyyaml jsonschema; }
cargo build --release --locked -q
scripts/build-static -q >/dev/null

# Deleting many files makes this ext4 file system slow to create files for
# minutes (benches/README.md), which would be charged to the fleet rows:
# nothing is deleted while measuring. Outputs of timed runs are moved aside,
# and everything is deleted at the end.
[ -d "$W" ] && mv "$W" "$W.previous-$(date +%s)"
mkdir -p "$W/trash"
python3 benches/make_fleet.py 1000 "$W/fleet-1k"
python3 benches/make_fleet.py 10000 "$W/fleet-10k"
# What the Python peer's templates read, from pgrender itself.
cargo bench --locked -q --bench contexts -- kubernetes/specs > "$W/contexts-1.jsonl"
cargo bench --locked -q --bench contexts -- "$W/fleet-1k" > "$W/contexts-1k.jsonl"
aside() { echo "mv -f $W/$1 $W/trash/$1-\$(date +%s%N) 2>/dev/null; sync"; }

bench() { # name runs prepare command...   (each ROUND gets its own export)
  local name=$1 runs=$2 prepare=$3; shift 3
  hyperfine -N --style none --warmup 2 --runs "$runs" --prepare "$prepare" \
    --export-json "$W/$name${ROUND:+.round$ROUND}.json" -n "$name" "$*" >/dev/null
}
one_process_rows() { # label shipped-binary plain-binary spec-folder
  # check compares with what the same binary renders (another build may render other bytes).
  [ -d "$W/out-check$1" ] || "$2" render "$4" --out-root "$W/out-check$1" >/dev/null 2>&1
  bench "render-1$1" 10 "sh -c '$(aside out-1)'" "$2" render "$4" --out-root "$W/out-1"
  bench "generate-1$1" 10 "sync" "$2" generate "$4"
  bench "check-1$1" 10 "sync" "$2" check "$4" --out-root "$W/out-check$1"
  bench "render-1-plain$1" 10 "sh -c '$(aside out-1)'" "$3" render "$4" --out-root "$W/out-1"
  bench "generate-1-plain$1" 10 "sync" "$3" generate "$4"
}
# Five short rounds in turn, pooled by summarize.py, so a burst of noise on
# a shared machine lands on every row rather than on one.
for ROUND in 1 2 3 4 5; do
  bench noop 10 "sync" /bin/true
  one_process_rows "" "$PG" "$PLAIN" kubernetes/specs
  if [ -n "${BEFORE:-}" ]; then
    one_process_rows "-before" "$BEFORE" "${BEFORE_PLAIN:-$BEFORE}" "${BEFORE_SPECS:-kubernetes/specs}"
  fi
done
unset ROUND
bench python-1 10 "sh -c '$(aside py-1)'" "$PY" benches/baseline.py kubernetes/specs "$W/py-1" "$W/contexts-1.jsonl"
bench render-1k 5 "sh -c '$(aside out-1k)'" "$PG" render "$W/fleet-1k" --out-root "$W/out-1k"
bench python-1k 3 "sh -c '$(aside py-1k)'" "$PY" benches/baseline.py "$W/fleet-1k" "$W/py-1k" "$W/contexts-1k.jsonl"
bench render-10k 3 "sh -c '$(aside out-10k)'" "$PG" render "$W/fleet-10k" --out-root "$W/out-10k"
if [ -n "${BEFORE:-}" ]; then
  bench render-10k-before 3 "sh -c '$(aside out-10k)'" "$BEFORE" render "$W/fleet-10k" --out-root "$W/out-10k"
fi

peak() { # name runs command... -> median max RSS in KiB
  local name=$1 runs=$2; shift 2
  for _ in $(seq "$runs"); do
    sh -c "$(aside mem-out)"
    /usr/bin/time -f "%M" "$@" --out-root "$W/mem-out" 2>&1 >/dev/null | tail -n 1
  done | sort -n | awk -v n="$name" '{a[NR]=$1} END {print n, a[int((NR+1)/2)]}'
}
{ peak render-1 9 "$PG" render kubernetes/specs; peak render-10k 3 "$PG" render "$W/fleet-10k"; } > "$W/memory.txt"

python3 benches/summarize.py "$W"
find "$W" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
rm -rf "$W".previous-*
