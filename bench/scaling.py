"""Measure how asnrules' run time grows with the pool: whole-process wall time and peak
memory of `asnrules generate --dry-run` on synthetic pools of N images.

Usage: python bench/scaling.py [N ...]     (default: 100 200 400 800 1600 3200)

Prints N, wall seconds, peak RSS (MiB) and the growth exponent between successive N
(1.0 is linear; the reference measured about 1.85 on the same shape of pool).
"""

from __future__ import annotations

import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_pool import write


def measure(pool: Path) -> tuple[float, float]:
    """Wall seconds and peak child RSS (MiB) of one generate run."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "asnrules", "generate", str(pool), "--dry-run"],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 200, 400, 800, 1600, 3200]
    previous: tuple[int, float] | None = None
    print(f"{'N':>6} {'wall s':>8} {'peak MiB':>9} {'exponent':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            pool = write(n, Path(tmp) / f"pool_{n}.csv")
            runs = sorted(measure(pool) for _ in range(3))
            wall, peak = runs[1]
            exponent = ""
            if previous:
                exponent = f"{math.log(wall / previous[1]) / math.log(n / previous[0]):.2f}"
            print(f"{n:>6} {wall:8.2f} {peak:9.1f} {exponent:>9}")
            previous = (n, wall)


if __name__ == "__main__":
    main()
