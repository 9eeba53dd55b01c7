"""Whole-process start-up times: generate, lint and --help, with and without the rule cache.

Usage: python bench/startup.py POOL [POOL...] [--runs N]

Each command is run N times (default 7) as a separate process, first with the cache off
(``ASNRULES_NO_CACHE=1``), then with a warm cache in a fresh folder (one run fills it);
the median and the fastest run are printed, in seconds. The commands are
``asnrules generate POOL --dry-run`` for each pool, ``asnrules lint`` of the three
bundled rulesets and ``asnrules --help``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RULESETS = Path(__file__).resolve().parents[1] / "rulesets"


def seconds(command: list[str], env: dict[str, str]) -> float:
    """The wall-clock time of one run of ``command``."""
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pools", nargs="+")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    asnrules = [sys.executable, "-m", "asnrules"]
    lint = [*asnrules, "lint", *(str(RULESETS / n) for n in ("stage2.yaml", "stage3.yaml"))]
    commands = {Path(p).stem: [*asnrules, "generate", p, "--dry-run"] for p in args.pools}
    commands["lint (bundled)"] = [*lint, str(RULESETS / "jwst-common.yaml")]
    commands["--help"] = [*asnrules, "--help"]
    with tempfile.TemporaryDirectory() as cache:
        warm = {**os.environ, "XDG_CACHE_HOME": cache, "ASNRULES_NO_CACHE": "0"}
        cold = {**warm, "ASNRULES_NO_CACHE": "1"}
        print(f"{'command':36} {'no cache':>17} {'cached':>17}   (median / fastest, s)")
        for label, command in commands.items():
            off = [seconds(command, cold) for _ in range(args.runs)]
            seconds(command, warm)
            on = [seconds(command, warm) for _ in range(args.runs)]
            print(
                f"{label[:36]:36} {statistics.median(off):8.3f} {min(off):8.3f} "
                f"{statistics.median(on):8.3f} {min(on):8.3f}"
            )


if __name__ == "__main__":
    main()
