"""Where one `asnrules generate` run spends its time: the floor and the phases.

Usage: python bench/floor.py POOL [--profile N]

Prints, in one process, the seconds of each phase: importing asnrules (and astropy),
reading the pool, loading the bundled rulesets (through the rule cache, as generate does:
the first run fills it), generating, preparing the files (serializing) and writing them
into a temporary folder; and, measured as separate processes, the bare Python start. The
floor is everything but generation. With ``--profile N`` the N costliest functions of
generation are printed (cProfile).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pool")
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    python_start = time.perf_counter() - start

    marks: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    from asnrules.api import run
    from asnrules.io.poolread import read_pool_fast
    from asnrules.language.rulecache import load_rules
    from asnrules.modes import rule_files

    marks.append(("import asnrules", time.perf_counter() - t0))
    t0 = time.perf_counter()
    table = read_pool_fast(args.pool)
    marks.append((f"read pool ({len(table)} rows)", time.perf_counter() - t0))
    t0 = time.perf_counter()
    ruleset, _ = load_rules(rule_files(None, False))  # as generate loads them: cached
    marks.append(("load rulesets (rule cache)", time.perf_counter() - t0))
    t0 = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    result = run(args.pool, pool=table, ruleset=ruleset)
    if args.profile:
        profiler.disable()
    marks.append(("generate (+ serialize)", time.perf_counter() - t0))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        result.write(folder)
    marks.append((f"write {len(result.files)} files", time.perf_counter() - t0))
    print(f"{'python start (separate process)':34} {python_start:7.3f} s")
    for label, seconds in marks:
        print(f"{label:34} {seconds:7.3f} s")
    floor = python_start + sum(s for label, s in marks if not label.startswith("generate"))
    print(f"{'floor (all but generate)':34} {floor:7.3f} s")
    if args.profile:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
