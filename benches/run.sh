#!/usr/bin/env bash
# Whole-process benchmarks of pgrender against a no-op process and a Python
# baseline (jinja2 + PyYAML + jsonschema), all measured in the same run so the
# ratios hold on a noisy machine. Prints the README "Performance" table.
#
# Usage: benches/run.sh   (installs hyperfine from Debian and the Python
# packages from PyPI into target/bench-venv if they are missing)
set -euo pipefail
cd "$(dirname "$0")/.."
W="$PWD/target/bench"
PG="$PWD/target/static/pgrender"      # what ships (scripts/build-static)
PIE="$PWD/target/release/pgrender"    # what `cargo build --release` makes
PY="$PWD/target/bench-venv/bin/python"

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
[ -x "$PY" ] || { python3 -m venv target/bench-venv && "$PY" -m pip install -q jinja2 pyyaml jsonschema; }
cargo build --release --locked -q
scripts/build-static -q >/dev/null
# The two reference programs (benches/floor_*.rs), built like the shipped
# binary: static, non-PIE, `dist` profile, hot functions side by side.
host=$(rustc -vV | sed -n 's/^host: //p')
RUSTFLAGS="$(scripts/build-static --rustflags)" \
  cargo build --profile dist --locked -q --target "$host" --target-dir target/static \
  --bench floor_write --bench floor_compile --message-format=json |
  python3 -c 'import json,sys,shutil
for line in sys.stdin:
    m = json.loads(line)
    # Cargo also rebuilds pgrender itself for benches, with the features of the
    # dev-dependencies: only the reference programs are taken, never that binary.
    if m.get("reason") == "compiler-artifact" and m["target"]["name"].startswith("floor_"):
        shutil.copy(m["executable"], "target/static/" + m["target"]["name"])'

# Deleting a million files makes this ext4 file system (mounted with
# `discard`) slow to create files for minutes, which would be charged to the
# fleet rows. So nothing is deleted before measuring: anything a previous
# run left is moved aside here, and every file a run makes is deleted at
# its end, after its measurements; only the results stay in target/bench.
# Keeping the ~1.5 million output files instead would slow the next run
# another way: with that many inodes cached, creating one costs several
# times more (insert_inode_locked led a profile of the write-only program).
[ -d "$W" ] && mv "$W" "$W.previous-$(date +%s)"
mkdir -p "$W"
python3 benches/make_fleet.py 1000 "$W/fleet-1k"
python3 benches/make_fleet.py 10000 "$W/fleet-10k"
"$PG" render kubernetes/specs --out-root "$W/out-check" >/dev/null 2>&1

# Output of the timed runs is moved aside the same way.
mkdir -p "$W/trash"
# `sync` too, so no run pays for writing back what an earlier one left.
aside() { echo "mv -f $W/$1 $W/trash/$1-\$(date +%s%N) 2>/dev/null; sync"; }

bench() { # name runs prepare command...   (each ROUND gets its own export)
  local name=$1 runs=$2 prepare=$3; shift 3
  hyperfine -N --style none --warmup 2 --runs "$runs" --prepare "$prepare" \
    --export-json "$W/$name${ROUND:+.round$ROUND}.json" -n "$name" "$*" >/dev/null
}
# One-process rows: five short rounds in turn, pooled by summarize.py, so a
# burst of noise on this shared machine lands on every row, not on one.
for ROUND in 1 2 3 4 5; do
  bench noop 8 "sync" /bin/true
  bench floor-write 8 "sh -c '$(aside floor-out)'" target/static/floor_write "$W/floor-out"
  bench floor-compile 8 "sync" target/static/floor_compile
  bench render-1 8 "sh -c '$(aside out-1)'" "$PG" render kubernetes/specs --out-root "$W/out-1"
  bench generate-1 8 "sync" "$PG" generate kubernetes/specs
  bench render-1-pie 8 "sh -c '$(aside out-1)'" "$PIE" render kubernetes/specs --out-root "$W/out-1"
  bench generate-1-pie 8 "sync" "$PIE" generate kubernetes/specs
  bench check-1 8 "sync" "$PG" check kubernetes/specs --out-root "$W/out-check"
done
unset ROUND
# The same one-process rows again, sampled the other way: 300 rounds, each
# running every row once in a new random order (benches/interleave.py).
# Both ways are reported; see README, Performance.
mkdir -p "$W/il"
python3 benches/interleave.py 300 "$W/interleaved.json" "$W/il" \
  "il-noop=/bin/true" \
  "il-floor-write=target/static/floor_write {out}" \
  "il-floor-compile=target/static/floor_compile" \
  "il-render-1=$PG render kubernetes/specs --out-root {out}" \
  "il-generate-1=$PG generate kubernetes/specs" \
  "il-check-1=$PG check kubernetes/specs --out-root $W/out-check" \
  "il-render-1-pie=$PIE render kubernetes/specs --out-root {out}" \
  "il-generate-1-pie=$PIE generate kubernetes/specs"
bench python-1 10 "sh -c '$(aside py-1)'" "$PY" benches/baseline.py kubernetes/specs "$W/py-1"
bench render-1k 5 "sh -c '$(aside out-1k)'" "$PG" render "$W/fleet-1k" --out-root "$W/out-1k"
bench python-1k 3 "sh -c '$(aside py-1k)'" "$PY" benches/baseline.py "$W/fleet-1k" "$W/py-1k"
bench render-10k 3 "sh -c '$(aside out-10k)'" "$PG" render "$W/fleet-10k" --out-root "$W/out-10k"

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
