"""Run the reference's own association tests against ``asnrules.compat.jwst``.

The reference (``jwst``) must be installed in the Python that runs this script, with
asnrules installed too (``pip install --no-deps -e .``). The script copies the
reference's ``jwst/associations/tests/*.py`` into a scratch folder outside the
repository, swaps imports of the public API (and the names of two loggers and the
``asn_generate`` command) for ``asnrules.compat.jwst``, runs pytest there and prints a
line per test file. Nothing of the reference is kept in this repository: only the list
of substitutions below and the tests left out, each with its reason.

Usage::

    /work/refvenv/bin/python bench/jwst_compat_tests.py [--scratch DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

COMPAT = "asnrules.compat.jwst"
SWAPS: list[tuple[str, str]] = [
    (r"from jwst\.associations\.tests import helpers", "import helpers"),
    (r"from jwst\.associations\.tests\.helpers import", "from helpers import"),
    (r"from jwst\.associations\.main import", f"from {COMPAT} import"),
    (r"from jwst\.associations\.exceptions import", f"from {COMPAT} import"),
    (
        r"from jwst\.associations\.lib\.utilities import constrain_on_candidates",
        f"from {COMPAT} import constrain_on_candidates",
    ),
    (
        r"from jwst\.associations\.lib\.dms_base import DMSAttrConstraint$",
        f"from {COMPAT} import DMSAttrConstraint",
    ),
    (r"from jwst\.associations import", f"from {COMPAT} import"),
    (r"\"jwst\.associations\.(lib\.prune|load_asn)\"", f'"{COMPAT}"'),
    (r"\[\"asn_generate\"\]", f'[__import__("sys").executable, "-m", "{COMPAT}"]'),
]
"""Regular-expression substitutions applied to each copied test file (line by line)."""

OUT_OF_SCOPE_FILES = {
    "test_asn_edit.py": "asn_edit tool, not generation",
    "test_asn_from_list.py": "asn_from_list tool and its Python rule classes, not generation",
    "test_asn_gather.py": "asn_gather tool, not generation",
    "test_constraints.py": "the reference's constraint classes",
    "test_format_template.py": "the reference's string template class",
    "test_load_as_asn.py": "loading data models as associations (stdatamodels)",
    "test_mkpool.py": "asn_make_pool tool, not generation",
    "test_process_list.py": "the reference's process-list internals",
    "test_registry.py": "the reference's KeyValueRegistry class",
    "test_update_path.py": "asn_from_list and path rewriting, not generation",
    "test_version.py": "asn_from_list, not generation",
}

LEFT_OUT = {
    "test_associations.py::test_read_assoc_defs": "loads a Python rule module (asn_rules_set1.py)",
    "test_associations.py::test_multi_rules": "loads Python rule modules (asn_rules_set1/2.py)",
    "test_associations.py::test_base_instantiation": "an empty Association class instance",
    "test_dms.py": "loads a Python rule module (dms_rules.py) and its base classes",
    "test_generate.py::test_simple": "loads a Python rule module (rules_basic.py)",
    "test_io.py::test_load_asn_all": "load_asn(first=False) returns one load per Python rule class",
}


def copy_tests(source: Path, scratch: Path) -> list[str]:
    """Copy and swap the test files; return the names of those to run."""
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    run = []
    for path in sorted(source.glob("*.py")):
        if path.name == "__init__.py":
            continue
        lines = path.read_text().splitlines()
        for pattern, replacement in SWAPS:
            lines = [re.sub(pattern, replacement, line) for line in lines]
        (scratch / path.name).write_text("\n".join(lines) + "\n")
        if path.name.startswith("test_") and path.name not in {*OUT_OF_SCOPE_FILES, *LEFT_OUT}:
            run.append(path.name)
    return run


def main() -> int:
    """Copy, swap, run and report; exit 0 when every test run passes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scratch", type=Path, default=Path("/work/scratch-jwst-tests"))
    args = parser.parse_args()
    import jwst.associations.tests as ref_tests

    run = copy_tests(Path(ref_tests.__file__).parent, args.scratch)
    deselect = [f"--deselect={k}" for k in LEFT_OUT if "::" in k and "[" not in k]
    params = [k.split("::")[1].split("[") for k in LEFT_OUT if "[" in k]
    deselect += ["-k", " and ".join(f"not ({name} and {param})" for name, param in params)]
    report = args.scratch / "report.xml"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "jwst.conftest", "-p",
               "no:cacheprovider", f"--junitxml={report}", "--rootdir", str(args.scratch),
               *deselect, *run]  # fmt: skip
    repo = str(Path(__file__).resolve().parents[1])  # this checkout's asnrules, first
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([repo, os.environ.get("PYTHONPATH", "")])}
    subprocess.run(command, cwd=args.scratch, check=False, env=env)
    counts: dict[str, Counter[str]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = case.get("classname", "").split(".")[0] + ".py"
        outcome = next((c.tag for c in case if c.tag in ("failure", "error", "skipped")), "passed")
        counts.setdefault(name, Counter())[outcome] += 1
    print("\nper file (passed / failure / error / skipped):")
    for name in sorted(counts):
        c = counts[name]
        print(f"  {name}: {c['passed']} / {c['failure']} / {c['error']} / {c['skipped']}")
    for name, why in OUT_OF_SCOPE_FILES.items():
        print(f"  {name}: out of scope ({why})")
    for name, why in LEFT_OUT.items():
        print(f"  left out {name}: {why}")
    return 0 if all(c["failure"] + c["error"] == 0 for c in counts.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
