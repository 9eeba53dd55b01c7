"""Peak memory of a command and every process it forks (Linux).

Usage: python bench/peak_memory.py [--every SECONDS] [--timeline] -- COMMAND [ARG ...]

``/usr/bin/time`` reports the largest single process; a run that forks (``generate -j 2``
on a large pool) holds memory in several at once. This samples the whole process tree
every ``--every`` seconds (default 0.05) from ``/proc/PID/smaps_rollup`` and prints the
wall time, the peak of the summed RSS (pages shared by two processes counted twice) and
the peak of the summed PSS (each shared page split among the processes sharing it: the
memory the tree really holds). ``--timeline`` also prints each process's PSS about once a
second. Sampling costs a little time itself: quote wall times from runs without it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found = [pid]
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children") as handle:
                children = handle.read().split()
        except OSError:
            continue
        for child in children:
            found.extend(tree(int(child)))
    return found


def memory(pid: int) -> tuple[int, int]:
    """RSS and PSS of one process in KiB (0, 0 once it has ended)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def main(argv: list[str]) -> int:
    """Run the command, sample its process tree, print the peaks; return its exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=0.05, help="seconds between samples")
    parser.add_argument("--timeline", action="store_true", help="print PSS about every second")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --")
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_rss = peak_pss = most = 0
    next_line = 0.0
    while process.poll() is None:
        pids = tree(process.pid)
        sizes = [memory(p) for p in pids]
        peak_rss = max(peak_rss, sum(r for r, _ in sizes))
        peak_pss = max(peak_pss, sum(p for _, p in sizes))
        most = max(most, len(pids))
        now = time.perf_counter() - start
        if args.timeline and now >= next_line:
            next_line += 1.0
            print(f"  {now:6.1f} s  PSS MiB " + " ".join(f"{p // 1024}" for _, p in sizes))
        time.sleep(args.every)
    wall = time.perf_counter() - start
    print(
        f"{wall:.2f} s  peak total RSS {peak_rss / 1024:.0f} MiB  "
        f"peak total PSS {peak_pss / 1024:.0f} MiB  processes {most}  exit {process.returncode}"
    )
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
