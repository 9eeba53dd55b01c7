"""Variants of corpus pools, and how asnrules and the reference compare on them.

Usage:
    python bench/pool_variants.py make KIND POOL... -o OUT.csv [--seed N]
    python bench/pool_variants.py check [--seeds N] [--kinds KIND...] [--mode MODE]
                                        [--reference PATH]

``make`` writes one variant. ``check`` builds variants of small corpus pools in a
temporary folder, runs the reference (``asn_generate`` of a scratch venv; nothing of it is
kept) and asnrules on each, compares them with the corpus's "same associations" rule
(:mod:`asnrules.tools.compare`) and prints one line per variant and a table per kind.

Kinds: ``stack`` (several pools in one, columns united), ``shuffle`` (rows in a random
order), ``columns`` (columns permuted, names upper-cased), ``programs`` (every program
renumbered), ``subset`` (a random half of the rows), ``stack-mix`` (a stack with its
rows shuffled and its columns permuted) and ``twin`` (a pool stacked with a copy of
itself whose programs are renumbered: every file name is there twice).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from asnrules.api import run
from asnrules.io.output import write_all
from asnrules.tools.compare import compare_folders

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
REFERENCE = Path("/work/refvenv/bin/asn_generate")

# Pools the reference runs in about a second each (corpus goldens' wall_s).
SMALL = [
    "jw00632_dups",
    "jw09505_20251216t202003_pool",
    "jw87800_20180412T163456_pool",
    "pool_002_image_miri_realized",
    "pool_005_spec_niriss_realized",
    "pool_008_exposerr_realized",
    "pool_017_spec_nirspec_lv2imprint_realized",
    "pool_019_niriss_wfss_realized",
    "pool_020_00009_image_miri_realized",
    "pool_021_tso_realized",
    "pool_023_nirspec_msa_3nod_realized",
    "pool_024b_nirspec_fss_nods_realized",
    "pool_025_nirspec_fss_nod_chop_realized",
    "pool_duplicate",
]


@dataclass
class Table:
    """A pool as text cells: column names and rows, in file order."""

    columns: list[str]
    rows: list[list[str]]

    def write(self, path: Path) -> None:
        """Write as a ``|``-delimited pool."""
        lines = ["|".join(self.columns), *("|".join(row) for row in self.rows)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def column(self, name: str) -> int | None:
        """Index of a column, by case-insensitive name."""
        lowered = [c.lower() for c in self.columns]
        return lowered.index(name.lower()) if name.lower() in lowered else None


def read_table(path: Path) -> Table:
    """Read a corpus pool (``#`` comment lines, ``|`` delimiter) as text cells."""
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    columns = lines[0].split("|")
    return Table(columns, [line.split("|") for line in lines[1:]])


def stack(tables: Sequence[Table]) -> Table:
    """Rows of every table in one, under the union of the columns (absent cells ``NULL``)."""
    columns: list[str] = []
    for table in tables:
        known = {c.lower() for c in columns}
        columns.extend(c for c in table.columns if c.lower() not in known)
    rows = []
    for table in tables:
        index = {c.lower(): i for i, c in enumerate(table.columns)}
        rows.extend(
            [row[index[c.lower()]] if c.lower() in index else "NULL" for c in columns]
            for row in table.rows
        )
    return Table(columns, rows)


def shuffle(table: Table, rng: random.Random) -> Table:
    """The rows in a random order."""
    rows = list(table.rows)
    rng.shuffle(rows)
    return Table(list(table.columns), rows)


def permute_columns(table: Table, rng: random.Random) -> Table:
    """Columns in a random order, names upper-cased."""
    order = list(range(len(table.columns)))
    rng.shuffle(order)
    return Table(
        [table.columns[i].upper() for i in order], [[row[i] for i in order] for row in table.rows]
    )


def renumber_programs(table: Table, rng: random.Random) -> Table:
    """Every program number replaced by another (5 digits), consistently."""
    where = table.column("program")
    if where is None:
        return table
    programs = sorted({row[where] for row in table.rows})
    new = rng.sample(range(10000, 99999), len(programs))
    mapping = {p: f"{n:05d}" for p, n in zip(programs, new, strict=True)}
    rows = [[*row[:where], mapping[row[where]], *row[where + 1 :]] for row in table.rows]
    return Table(list(table.columns), rows)


def subset(table: Table, rng: random.Random) -> Table:
    """A random half of the rows (at least one), in pool order."""
    keep = sorted(rng.sample(range(len(table.rows)), max(1, len(table.rows) // 2)))
    return Table(list(table.columns), [table.rows[i] for i in keep])


KINDS: dict[str, Callable[[list[Table], random.Random], Table]] = {
    "stack": lambda tables, rng: stack(tables),
    "shuffle": lambda tables, rng: shuffle(stack(tables), rng),
    "columns": lambda tables, rng: permute_columns(stack(tables), rng),
    "programs": lambda tables, rng: renumber_programs(stack(tables), rng),
    "subset": lambda tables, rng: subset(stack(tables), rng),
    "stack-mix": lambda tables, rng: permute_columns(shuffle(stack(tables), rng), rng),
    "twin": lambda tables, rng: stack([stack(tables), renumber_programs(stack(tables), rng)]),
}
# how many pools each kind draws
SIZES = {"stack": (2, 4), "stack-mix": (2, 3), "twin": (1, 1)}
# options given to the reference and to asnrules in each mode
MODES: dict[str, tuple[list[str], dict[str, bool]]] = {
    "default": ([], {}),
    "merge": (["--merge"], {"merge": True}),
    "per-pool": (["--per-pool-algorithm"], {"per_pool": True}),
}


def make(kind: str, pools: Sequence[str], seed: int) -> Table:
    """Build a variant of corpus pools (names without ``.csv``, or paths)."""
    tables = [read_table(_pool_path(p)) for p in pools]
    return KINDS[kind](tables, random.Random(seed))


def _pool_path(name: str) -> Path:
    path = Path(name)
    return path if path.suffix == ".csv" else CORPUS / "pools" / f"{name}.csv"


def compare_on(pool: Path, reference: Path, work: Path, mode: str) -> tuple[bool, str]:
    """Run the reference and asnrules on a pool in a mode; return (same, short reason)."""
    arguments, options = MODES[mode]
    ref_out, ours_out = work / "reference", work / "ours"
    ref_out.mkdir()
    done = subprocess.run(
        [str(reference), str(pool), "-p", str(ref_out), *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return False, f"reference rc {done.returncode}: {done.stderr.strip().splitlines()[-1:]}"
    result = run(pool, **options)
    write_all(ours_out, result.files)
    cmp = compare_folders(ours_out, ref_out)
    if cmp.only_ours or cmp.only_golden:
        return False, f"ours-only {len(cmp.only_ours)}, reference-only {len(cmp.only_golden)}"
    if cmp.strict_names != len(cmp.matched):
        return True, f"sequence numbers differ on {len(cmp.matched) - cmp.strict_names}"
    return True, f"{len(cmp.matched)} associations"


def check(kinds: Sequence[str], seeds: int, reference: Path, mode: str = "default") -> int:
    """Build, run and compare variants; print a line per variant and a table per kind."""
    tally: dict[str, list[int]] = {}
    for kind in kinds:
        low, high = SIZES.get(kind, (1, 3))
        for seed in range(seeds):
            rng = random.Random(f"{kind}-{seed}")
            pools = rng.sample(SMALL, rng.randint(low, high))
            with tempfile.TemporaryDirectory() as tmp:
                work = Path(tmp)
                path = work / "variant.csv"
                make(kind, pools, seed).write(path)
                same, why = compare_on(path, reference, work, mode)
            counts = tally.setdefault(kind, [0, 0])
            counts[0 if same else 1] += 1
            print(f"{kind:10} seed {seed} {'+'.join(pools)}: {'same' if same else 'DIFF'} ({why})")
            sys.stdout.flush()
    print(f"\n{'kind':10} {'tried':>5} {'same':>5} {'differ':>6}")
    for kind, (same_n, diff_n) in tally.items():
        print(f"{kind:10} {same_n + diff_n:>5} {same_n:>5} {diff_n:>6}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("make", help="write one variant")
    one.add_argument("kind", choices=sorted(KINDS))
    one.add_argument("pools", nargs="+")
    one.add_argument("-o", "--output", type=Path, required=True)
    one.add_argument("--seed", type=int, default=0)
    many = sub.add_parser("check", help="compare asnrules with the reference on variants")
    many.add_argument("--kinds", nargs="+", default=list(KINDS), choices=sorted(KINDS))
    many.add_argument("--seeds", type=int, default=3)
    many.add_argument("--reference", type=Path, default=REFERENCE)
    many.add_argument("--mode", default="default", choices=sorted(MODES))
    args = parser.parse_args(argv)
    if args.command == "make":
        make(args.kind, args.pools, args.seed).write(args.output)
        return 0
    return check(args.kinds, args.seeds, args.reference, args.mode)


if __name__ == "__main__":
    sys.exit(main())
