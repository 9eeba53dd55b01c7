"""Score asnrules against the reference goldens in ../shared/corpus.

Usage: python bench/corpus_score.py [--mode default] [--pool NAME ...] [--corpus DIR]

For every pool with goldens in the mode, generates associations in a temporary folder
and prints how many Level-2 and Level-3 golden associations are matched (the
equivalence of corpus/README.md), whether the orphans agree and whether the whole set
is the same.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from asnrules.api import run
from asnrules.diagnostics import AsnRulesError
from asnrules.io.output import orphan_table, write_all
from asnrules.tools.compare import compare_folders

MODES = {
    "default": {},
    "all-candidates": {"all_candidates": True},
    "discover": {"discover": True},
    "version-id": {"version_id": "v1"},
    "merge": {"merge": True},
    "per-pool": {"per_pool": True},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus"
    )
    parser.add_argument("--mode", default="default", choices=sorted(MODES))
    parser.add_argument("--pool", action="append", help="only these pools")
    args = parser.parse_args()
    goldens = args.corpus / "goldens" / args.mode
    if not goldens.is_dir():
        print(f"no goldens at {goldens}", file=sys.stderr)
        return 2
    totals = [0, 0, 0, 0]
    print(
        f"{'pool':45} {'L2':>9} {'L3':>9} {'extra':>5} {'orph':>5} {'same':>5} "
        f"{'strict':>7} {'s':>6}"
    )
    for folder in sorted(goldens.iterdir()):
        if args.pool and folder.name not in args.pool:
            continue
        pool = args.corpus / "pools" / f"{folder.name}.csv"
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            start = time.perf_counter()
            try:
                result = run(pool, **MODES[args.mode])
            except AsnRulesError as exc:
                print(f"{folder.name:45} error: {exc.diagnostics[0].message[:60]}")
                continue
            elapsed = time.perf_counter() - start
            files = [
                *result.files,
                (
                    "orphans.csv",
                    orphan_table(result.rows, result.orphans, result.columns, table=result.table),
                ),
            ]
            write_all(out, files)
            cmp = compare_folders(out, folder, out / "orphans.csv")
        levels = cmp.level_counts()
        (m2, g2), (m3, g3) = levels["2"], levels["3"]
        totals = [totals[0] + m2, totals[1] + g2, totals[2] + m3, totals[3] + g3]
        print(
            f"{folder.name:45} {m2:>4}/{g2:<4} {m3:>4}/{g3:<4} {len(cmp.only_ours):>5} "
            f"{str(cmp.orphans_ok)[:5]:>5} {str(cmp.same)[:5]:>5} "
            f"{cmp.strict_names:>3}/{len(cmp.matched):<3} {elapsed:6.2f}"
        )
    print(f"{'total':45} {totals[0]:>4}/{totals[1]:<4} {totals[2]:>4}/{totals[3]:<4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
