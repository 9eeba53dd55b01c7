"""Write a cycle-scale pool: K copies of a corpus pool, each as its own program.

Usage: python bench/stacked_pool.py K OUT.csv [--source POOL]

Copy k (k = 0 .. K-1) becomes program 90000+k: its ``program`` column is renumbered, and
so is the ``jwPPPPP`` prefix of its file names; a file name without such a prefix gets
``kNNN`` in front. Every copy's file names are thus its own, and the associations of the
stack are K times those of one copy (programs never mix). The default source is the
corpus' ``mega_pool.csv`` (837 rows): K=120 gives about 100,000 rows.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

CORPUS_POOLS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pools"
_PROGRAM_PREFIX = re.compile(r"^jw\d{5}", re.IGNORECASE)


def stack(source: Path, copies: int, out: Path) -> Path:
    """Write ``copies`` renumbered copies of ``source`` into ``out``; return ``out``."""
    lines = source.read_text(encoding="utf-8").splitlines()
    data = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    header, rows = data[0], data[1:]
    columns = [c.strip().lower() for c in header.split("|")]
    name_at, program_at = columns.index("filename"), columns.index("program")
    written = [f"# {copies} copies of {source.name}, programs 90000..{90000 + copies - 1}", header]
    for k in range(copies):
        program = f"{90000 + k}"
        for row in rows:
            cells = row.split("|")
            name = cells[name_at]
            if _PROGRAM_PREFIX.match(name):
                cells[name_at] = f"{name[:2]}{program}{name[7:]}"
            else:
                cells[name_at] = f"k{k:03d}{name}"
            cells[program_at] = program
            written.append("|".join(cells))
    out.write_text("\n".join(written) + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("copies", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--source", type=Path, default=CORPUS_POOLS / "mega_pool.csv")
    args = parser.parse_args()
    stack(args.source, args.copies, args.out)


if __name__ == "__main__":
    main()
