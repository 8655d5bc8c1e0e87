#!/usr/bin/env python3
"""Time short whole processes in interleaved rounds.

Every round runs each command once, in a new random order, so a burst of
noise on a shared machine is spread over all rows instead of landing on
the one that happened to be running (hyperfine runs one command's samples
back to back). Before each run: os.sync() from this process, the same
for every row, so no run pays for writing back what an earlier one left.
`{out}` in a command becomes a folder that does not exist yet, a new one
for every run: nothing is moved or deleted while timing.

Usage: interleave.py ROUNDS OUT.json WORKDIR NAME=COMMAND...

Writes hyperfine's JSON shape ({"results": [{"command", "times"}]}, times
in seconds) so summarize.py pools it like hyperfine's exports.
"""
import json
import os
import random
import shlex
import sys
import time

WARMUP_ROUNDS = 2


def main():
    rounds, out_json, workdir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rows = [arg.split("=", 1) for arg in sys.argv[4:]]
    order = random.Random(0)  # a fixed seed: the same sequence on every run
    quiet = [
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    times = {name: [] for name, _ in rows}
    run = 0
    for r in range(WARMUP_ROUNDS + rounds):
        for name, command in order.sample(rows, len(rows)):
            run += 1
            argv = shlex.split(command.replace("{out}", f"{workdir}/run-{run}"))
            os.sync()
            start = time.perf_counter_ns()
            pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=quiet)
            _, status = os.waitpid(pid, 0)
            elapsed = time.perf_counter_ns() - start
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit(f"interleave.py: `{command}` failed ({status:#x})")
            if r >= WARMUP_ROUNDS:
                times[name].append(elapsed / 1e9)
    results = [{"command": name, "times": times[name]} for name, _ in rows]
    with open(out_json, "w") as f:
        json.dump({"results": results}, f)


if __name__ == "__main__":
    main()
