"""Write a synthetic imaging pool: N NIRISS images of one observation (one candidate).

Usage: python bench/synthetic_pool.py N OUT.csv [--filters K]

Each run of the reference on such a pool gives N image2 + K image3 associations; it is
the shape of the reference's own scaling measurement (N x nis_image of one observation).
"""

from __future__ import annotations

import argparse
from pathlib import Path

HEADER = (
    "filename|program|obs_num|visitype|exp_type|instrume|detector|targetid|pntgtype|filter|pupil"
    "|subarray|bkgdtarg|is_psf|tsovisit|exposerr|asn_candidate"
)


def write(n: int, out: Path, filters: int = 1) -> Path:
    """Write the pool and return its path."""
    names = ["f150w", "f200w", "f277w", "f356w", "f444w", "f090w"]
    lines = ["# synthetic pool for asnrules benchmarks", HEADER]
    for i in range(n):
        filt = names[i % max(1, min(filters, len(names)))]
        lines.append(
            f"jw09999001001_02101_{i + 1:05d}_nis_uncal.fits|09999|1|prime_targeted_fixed|nis_image"
            f"|niriss|nis|1|science|{filt}|clearp|full|f|f|f|null|[('o001', 'observation')]"
        )
    out.write_text("\n".join(lines) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--filters", type=int, default=1)
    args = parser.parse_args()
    write(args.n, args.out, args.filters)


if __name__ == "__main__":
    main()
