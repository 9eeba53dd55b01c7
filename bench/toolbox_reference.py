"""Check ``asnrules from-list`` and ``make-pool`` against the reference tools, by hand.

Usage: python bench/toolbox_reference.py [--refvenv /work/refvenv]

Needs a scratch virtual environment with the reference ``jwst`` package (never a
dependency of asnrules). In a temporary folder it:

1. runs ``asn_from_list`` and ``asnrules from-list`` on the same file lists for several
   rules and compares the two documents (``code_version`` aside), then loads ours with
   the reference's ``load_asn``;
2. writes small FITS files (primary headers only), runs ``asn_make_pool`` and
   ``asnrules make-pool`` on them, compares the two pool texts, then runs
   ``asn_generate`` on the reference's pool and ``asnrules generate`` on ours and
   compares the associations under the corpus "same" rule.

Prints one line per check and exits 1 if any disagrees.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from astropy.io import fits

from asnrules.tools.compare import compare_folders

FROM_LIST_CASES = [
    (["DMS_Level3_Base"], ["--product-name", "mosaic"], ["a_cal.fits", "b_cal.fits"]),
    (["Asn_Lv3Image"], ["--product-name", "p"], ["x/a_i2d.fits", "b-cal.fits"]),
    (["Asn_Lv2Image"], [], ["jw01_01101_00001_nrca1_rate.fits", "plain.fits", "noext"]),
    (["Asn_Lv2Spec"], ["-i", "o123"], ["sub/jw1_cal.fits", "a-rateints.fits"]),
    (["Asn_Lv2SpecSpecial"], [], ["x_y_z.fits"]),
]

BASE_HEADER = {
    "TELESCOP": "JWST",
    "PROGRAM": "01234",
    "OBSERVTN": "001",
    "VISIT": "001",
    "INSTRUME": "NIRCAM",
    "DETECTOR": "NRCA1",
    "EXP_TYPE": "NRC_IMAGE",
    "FILTER": "F150W",
    "PUPIL": "CLEAR",
    "SUBARRAY": "FULL",
    "BKGDTARG": False,
    "TARGNAME": "NGC 1234",
}
FITS_FILES = {
    "jw01234001001_02101_00001_nrca1_uncal.fits": {},
    "jw01234001001_02101_00002_nrca1_uncal.fits": {},
    "jw01234001001_02101_00003_nrca1_uncal.fits": {"FILTER": "F200W", "EXPTIME": 10.5},
    "jw01234002001_02101_00001_nrca1_uncal.fits": {"OBSERVTN": "002", "TARGNAME": "M31"},
}
POOL_OPTIONS = [[], ["--asn-candidate", "[('c1000', 'background')]", "--pntgtype", "science"]]


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def check_from_list(ref: Path, work: Path) -> bool:
    ok = True
    for rule, options, files in FROM_LIST_CASES:
        ours, theirs = work / "ours_asn.json", work / "ref_asn.json"
        run(
            [str(ref / "bin" / "asn_from_list"), "-o", str(theirs), "-r", *rule, *options, *files],
            work,
        )
        run(
            [
                sys.executable,
                "-m",
                "asnrules",
                "from-list",
                "-o",
                str(ours),
                "-r",
                *rule,
                *options,
                *files,
            ],
            work,
        )
        a, b = json.loads(ours.read_text()), json.loads(theirs.read_text())
        a.pop("code_version"), b.pop("code_version")
        loads = run(
            [
                str(ref / "bin" / "python"),
                "-c",
                "import sys; from jwst.associations import load_asn; load_asn(open(sys.argv[1]))",
                str(ours),
            ],
            work,
        )
        same = a == b and list(a) == list(b)
        ok &= same and loads.returncode == 0
        print(
            f"from-list {rule[0]:20} {files}: {'same' if same else 'DIFFERENT'}, "
            f"load_asn {'ok' if loads.returncode == 0 else 'FAILED: ' + loads.stderr[-200:]}"
        )
    return ok


def check_make_pool(ref: Path, work: Path) -> bool:
    ok = True
    for name, cards in FITS_FILES.items():
        header = fits.Header()
        for key, value in {**BASE_HEADER, **cards}.items():
            header[key] = value
        fits.PrimaryHDU(header=header).writeto(work / name, overwrite=True)
    files = sorted(FITS_FILES)
    for options in POOL_OPTIONS:
        run([str(ref / "bin" / "asn_make_pool"), "ref_pool.csv", *files, *options], work)
        run(
            [sys.executable, "-m", "asnrules", "make-pool", *files, "-o", "our_pool.csv", *options],
            work,
        )
        text_same = (work / "ref_pool.csv").read_text() == (work / "our_pool.csv").read_text()
        for folder in ("gen_ref", "gen_ours"):
            (work / folder).mkdir(exist_ok=True)
            for old in (work / folder).glob("*"):
                old.unlink()
        run([str(ref / "bin" / "asn_generate"), "../ref_pool.csv"], work / "gen_ref")
        run([sys.executable, "-m", "asnrules", "generate", "our_pool.csv", "-p", "gen_ours"], work)
        result = compare_folders(work / "gen_ours", work / "gen_ref")
        ok &= text_same and result.same
        print(
            f"make-pool {options}: pool text {'identical' if text_same else 'DIFFERENT'}; "
            f"generate: {len(result.matched)} same, {len(result.only_ours)} only ours, "
            f"{len(result.only_golden)} only reference"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refvenv", type=Path, default=Path("/work/refvenv"))
    args = parser.parse_args()
    if not (args.refvenv / "bin" / "asn_from_list").exists():
        print(f"reference tools not found in {args.refvenv}")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        ok = check_from_list(args.refvenv, Path(tmp))
        ok &= check_make_pool(args.refvenv, Path(tmp))
    print("AGREE" if ok else "DISAGREE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
