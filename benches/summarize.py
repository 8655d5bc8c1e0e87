#!/usr/bin/env python3
"""Turn hyperfine JSON exports and peak-memory samples into the tables of
benches/README.md.

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
out = [
    "| benchmark | median | vs. no-op process | Python baseline / pgrender |",
    "| --- | --- | --- | --- |",
]


def row(label, name, per=None, python=None):
    if name not in rows:
        return
    t = ms(name)
    extra = f" ({t / per:.3f} ms per spec)" if per else ""
    ratio_py = f"{ms(python) / t:.0f}x" if python else ""
    shown = f"{t:.2f}" if t < 10 else f"{t:.1f}"
    vs_floor = "" if per else f"{t / floor:.2f}x"
    out.append(f"| {label} | {shown} ms{extra} | {vs_floor} | {ratio_py} |")


row("no-op process (`/bin/true`)", "noop")
for suffix, who in [("", ""), ("-before", " (before)")]:
    row(f"`render` reference spec, shipped binary{who}", f"render-1{suffix}", python="python-1")
    row(f"`generate` reference spec (ArgoCD path), shipped binary{who}", f"generate-1{suffix}")
    row(f"`check` reference spec, unchanged tree, shipped binary{who}", f"check-1{suffix}")
    row(f"`render` reference spec, `cargo build --release` binary{who}", f"render-1-plain{suffix}", python="python-1")
    row(f"`generate` reference spec, `cargo build --release` binary{who}", f"generate-1-plain{suffix}")
row("`render` 1,000 specs", "render-1k", per=1000, python="python-1k")
row("`render` 10,000 specs", "render-10k", per=10000)
row("`render` 10,000 specs (before)", "render-10k-before", per=10000)
row("Python baseline, reference spec", "python-1")
row("Python baseline, 1,000 specs", "python-1k", per=1000)
mem = dict(line.split() for line in (d / "memory.txt").read_text().splitlines())
out.append("")
out.append("| peak memory (max RSS, median of runs) | |")
out.append("| --- | --- |")
out.append(f"| `render` reference spec | {int(mem['render-1']) / 1024:.1f} MiB |")
out.append(f"| `render` 10,000 specs | {int(mem['render-10k']) / 1024:.1f} MiB |")
print("\n".join(out))
