#!/usr/bin/env python3
"""Turn hyperfine JSON exports and peak-memory samples into the README table.

Usage: summarize.py DIR   (reads DIR/*.json and DIR/memory.txt)
"""
import json
import pathlib
import statistics
import sys

d = pathlib.Path(sys.argv[1])
samples = {}
for f in sorted(d.glob("*.json")):  # rounds of one row are pooled
    for r in json.loads(f.read_text())["results"]:
        samples.setdefault(r["command"], []).extend(r["times"])
rows = {name: statistics.median(times) for name, times in samples.items()}

def ms(name):
    return rows[name] * 1000

floor = ms("noop")
py1 = ms("python-1")
out = ["| benchmark | median | vs. no-op floor | Python baseline / pgrender |", "| --- | --- | --- | --- |"]
def row(label, name, per=None, python=None):
    t = ms(name)
    extra = f" ({t / per:.3f} ms per spec)" if per else ""
    ratio_py = f"{ms(python) / t:.0f}x" if python else ""
    shown = f"{t:.2f}" if t < 10 else f"{t:.1f}"
    vs_floor = "" if per else f"{t / floor:.2f}x"
    out.append(f"| {label} | {shown} ms{extra} | {vs_floor} | {ratio_py} |")

row("no-op process (`/bin/true`)", "noop")
row("reference: a process that only writes the reference output folder", "floor-write")
row("reference: a process that only compiles the templates a render uses", "floor-compile")
row("`render` reference spec (start to files written)", "render-1", python="python-1")
row("`generate` reference spec (ArgoCD path)", "generate-1")
row("`check` reference spec, unchanged tree", "check-1")
row("`render` reference spec, `cargo build --release` binary (dynamic, PIE)", "render-1-pie", python="python-1")
row("`generate` reference spec, `cargo build --release` binary", "generate-1-pie")
row("`render` 1,000 specs", "render-1k", per=1000, python="python-1k")
row("`render` 10,000 specs", "render-10k", per=10000)
row("Python baseline, reference spec", "python-1")
row("Python baseline, 1,000 specs", "python-1k", per=1000)
if "il-noop" in rows:
    # The interleaved samples (benches/interleave.py) of the one-process rows.
    out.append("")
    out.append("| same rows, interleaved rounds | median | vs. no-op floor |")
    out.append("| --- | --- | --- |")
    il_floor = ms("il-noop")
    for label, name in [
        ("no-op process (`/bin/true`)", "il-noop"),
        ("reference: only writes the output folder", "il-floor-write"),
        ("reference: only compiles the templates", "il-floor-compile"),
        ("`render` reference spec", "il-render-1"),
        ("`generate` reference spec", "il-generate-1"),
        ("`check` reference spec, unchanged tree", "il-check-1"),
        ("`render`, `cargo build --release` binary", "il-render-1-pie"),
        ("`generate`, `cargo build --release` binary", "il-generate-1-pie"),
    ]:
        out.append(f"| {label} | {ms(name):.2f} ms | {ms(name) / il_floor:.2f}x |")
mem = dict(line.split() for line in (d / "memory.txt").read_text().splitlines())
out.append("")
out.append("| peak memory (max RSS, median of runs) | |")
out.append("| --- | --- |")
out.append(f"| `render` reference spec | {int(mem['render-1']) / 1024:.1f} MiB |")
out.append(f"| `render` 10,000 specs | {int(mem['render-10k']) / 1024:.1f} MiB |")
print("\n".join(out))
