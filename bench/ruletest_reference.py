"""Check a rule-test file against the reference generator (development aid, not shipped).

For each test of a rule-test YAML file, write its rows as a pool (every column of the
corpus header; columns a row does not give are ``null``), run the reference
``asn_generate`` on it in a temporary folder, and print what it made in the test-file
format (associations of the test's ``rules``, and the orphans), to compare with the
test's expectations or paste into it.

    python bench/ruletest_reference.py rulesets/tests/stage3.yaml [TEST...]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from asnrules.checks.ruletests import read_tests

REFERENCE = Path("/work/refvenv/bin/asn_generate")
HEADER_POOL = Path(__file__).resolve().parents[2] / "shared/corpus/pools/mega_pool.csv"
MODES = {"default": [], "all-candidates": ["--all-candidates"], "discover": ["--discover"]}


def header() -> list[str]:
    """Column names of the corpus's largest pool."""
    for line in HEADER_POOL.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            return [c.lower() for c in line.split("|")]
    return []


def reference(rows: list[dict[str, str]], mode: str = "default") -> list[dict[str, Any]] | str:
    """The association documents the reference makes from ``rows`` (its stderr on failure)."""
    base = header()
    columns = base + sorted({c for r in rows for c in r} - set(base))
    with tempfile.TemporaryDirectory() as tmp:
        pool = Path(tmp) / "test_pool.csv"
        lines = ["|".join(columns)]
        lines += ["|".join(r.get(c, "null") for c in columns) for r in rows]
        pool.write_text("\n".join(lines) + "\n")
        out = Path(tmp) / "out"
        out.mkdir()
        proc = subprocess.run(
            [str(REFERENCE), str(pool), "-p", str(out), *MODES[mode]],
            capture_output=True,
            text=True,
        )
        if proc.returncode:
            return proc.stderr[-2000:]
        return [json.loads(f.read_text()) for f in sorted(out.glob("*_asn.json"))]


def expectations(
    rows: list[dict[str, str]], docs: list[dict[str, Any]], rules: list[str], indent: str = "    "
) -> str:
    """The reference's output as the ``associations:`` and ``orphans:`` of a test."""
    wanted = {r.lower() for r in rules}
    roots = set()
    out = [f"{indent}associations:"]
    for doc in docs:
        rule = doc["asn_rule"][doc["asn_rule"].index("Asn_") :]
        for product in doc["products"]:
            roots.update(Path(m["expname"]).name.rsplit("_", 1)[0] for m in product["members"])
            if wanted and rule.lower() not in wanted:
                continue
            out.append(f"{indent}  - rule: {rule}\n{indent}    asn_type: {doc['asn_type']}")
            out.append(f"{indent}    product: {product['name']}\n{indent}    members:")
            out.extend(
                f"{indent}      - {m['expname']}: {m['exptype']}" for m in product["members"]
            )
    orphans = [
        r["filename"].rsplit("_", 1)[0]
        for r in rows
        if r["filename"].rsplit("_", 1)[0] not in roots
    ]
    out.append(f"{indent}orphans: [{', '.join(orphans)}]")
    return "\n".join(out)


def main(path: str, names: list[str]) -> None:
    for test in read_tests(Path(path)):
        if names and test.name not in names:
            continue
        docs = reference(test.rows, test.mode)
        if isinstance(docs, str):
            print(f"# {test.name}: reference failed\n{docs}")
            continue
        print(f"  # {test.name}: reference made {len(docs)} associations")
        print(expectations(test.rows, docs, test.rules))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
