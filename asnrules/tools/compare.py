"""Compare two folders of association files under the corpus's "same associations" rule.

The rule (``shared/corpus/README.md``) says that two sets of association files are the same
when, matched one to one:

- every top-level key and value is equal, except ``constraints``, ``code_version`` and
  ``asn_pool``;
- every product is equal, in order: its ``name``, and its ``members`` in order, each compared on
  ``expname``, ``exptype``, ``exposerr`` and ``asn_candidate`` (values compared
  case-insensitively);
- the file names are equal once the 5-digit sequence number before ``_asn`` is masked; equal
  names *including* the sequence number is the stricter goal, counted separately;
- the orphan table lists exactly the rows of the golden ``orphans_expected.txt``.

Run as ``python -m asnrules.tools.compare OURS_DIR GOLDEN_DIR [--orphans FILE]``.
"""

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "AsnComparison",
    "asn_key",
    "asn_level",
    "compare_folders",
    "load_asns",
    "mask_sequence",
    "match_asns",
    "product_form",
    "read_orphan_rows",
]

#: Top-level keys that do not take part in the comparison.
IGNORED_TOP_KEYS = frozenset({"constraints", "code_version", "asn_pool"})
#: Member keys that take part in the comparison, in this order.
MEMBER_KEYS = ("expname", "exptype", "exposerr", "asn_candidate")
#: Name of the golden file that lists the expected orphan rows.
ORPHANS_EXPECTED = "orphans_expected.txt"

_SEQUENCE = re.compile(r"_\d{5}(?=_asn\.json$)")
_DETAIL_LIMIT = 5


@dataclass(frozen=True)
class AsnComparison:
    """Result of comparing our association files with the golden ones.

    Attributes
    ----------
    matched : list of tuple of (str, str)
        ``(ours, golden)`` file names of the pairs that are equal, sorted.
    only_ours : list of str
        Our files that have no equal golden file, sorted.
    only_golden : list of str
        Golden files that have no equal file of ours, sorted.
    strict_names : int
        How many matched pairs also have identical file names, sequence number included.
    orphans_ok : bool or None
        Whether our orphan table lists exactly the expected orphan rows; None when no orphan
        table was given or the golden folder has no ``orphans_expected.txt``.
    orphan_detail : str
        Short text naming the rows missing from or extra in our orphan table; empty when
        ``orphans_ok`` is not False.
    golden_levels : dict of str to str
        Golden file name to its level (``"2"`` or ``"3"``); used by `level_counts`.
    """

    matched: list[tuple[str, str]]
    only_ours: list[str]
    only_golden: list[str]
    strict_names: int
    orphans_ok: bool | None
    orphan_detail: str
    golden_levels: dict[str, str] = field(default_factory=dict, repr=False)

    def level_counts(self) -> dict[str, tuple[int, int]]:
        """Count matched and total golden files per association level.

        Returns
        -------
        dict of str to tuple of (int, int)
            ``{"2": (matched, golden_total), "3": (matched, golden_total)}``.
        """
        totals = {"2": 0, "3": 0}
        matched = {"2": 0, "3": 0}
        for level in self.golden_levels.values():
            totals[level] += 1
        for _, golden_name in self.matched:
            matched[self.golden_levels.get(golden_name, "3")] += 1
        return {level: (matched[level], totals[level]) for level in ("2", "3")}

    @property
    def same(self) -> bool:
        """bool: True when every file is matched and the orphans are not known to differ."""
        return not self.only_ours and not self.only_golden and self.orphans_ok is not False


def mask_sequence(file_name: str) -> str:
    """Mask the 5-digit sequence number before ``_asn.json`` in a file name.

    Parameters
    ----------
    file_name : str
        An association file name such as ``jw87800-o017_image2_00003_asn.json``.

    Returns
    -------
    str
        The name with the sequence number replaced by ``#####``; unchanged if it has none.
    """
    return _SEQUENCE.sub("_#####", file_name)


def asn_level(asn: dict[str, Any]) -> str:
    """Return the level of an association: ``"2"`` if its ``asn_type`` ends in 2, else ``"3"``.

    Parameters
    ----------
    asn : dict
        A parsed association.

    Returns
    -------
    str
        ``"2"`` or ``"3"``.
    """
    return "2" if str(asn.get("asn_type", "")).endswith("2") else "3"


def load_asns(folder: Path) -> dict[str, dict[str, Any]]:
    """Read every ``*_asn.json`` file of a folder (not its subfolders).

    Parameters
    ----------
    folder : Path
        The folder to read.

    Returns
    -------
    dict of str to dict
        File name to parsed JSON object, in file-name order.

    Raises
    ------
    ValueError
        If a file is not valid JSON or does not hold a JSON object.
    """
    asns: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(folder).glob("*_asn.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}: not valid JSON: {error}") from error
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a JSON object, found {type(data).__name__}")
        asns[path.name] = data
    return asns


def _fold(value: Any) -> Any:
    """Lower-case a string; leave any other value (None included) as it is."""
    return value.lower() if isinstance(value, str) else value


def product_form(product: Any) -> Any:
    """Canonical form of one product: its name and its members' compared keys, in order."""
    if not isinstance(product, dict):
        return product
    form: dict[str, Any] = {}
    if "name" in product:
        form["name"] = product["name"]
    if "members" in product:
        members = product["members"]
        if isinstance(members, list):
            form["members"] = [
                {key: _fold(m[key]) for key in MEMBER_KEYS if key in m}
                if isinstance(m, dict)
                else m
                for m in members
            ]
        else:
            form["members"] = members
    return form


def asn_key(asn: dict[str, Any], file_name: str) -> str:
    """Return the canonical form of an association under which equal associations coincide.

    Parameters
    ----------
    asn : dict
        A parsed association.
    file_name : str
        Its file name; the sequence number before ``_asn`` is masked.

    Returns
    -------
    str
        A JSON text of the compared content: the top-level keys and values except
        ``constraints``, ``code_version``, ``asn_pool`` and ``products``; the products in
        order (``name`` and ``members`` in order, each reduced to ``expname``, ``exptype``,
        ``exposerr`` and ``asn_candidate`` with strings lower-cased and absent keys left
        absent); and the masked file name.
    """
    top = {
        key: value
        for key, value in asn.items()
        if key not in IGNORED_TOP_KEYS and key != "products"
    }
    form: dict[str, Any] = {"file": mask_sequence(file_name), "top": top}
    if "products" in asn:
        products = asn["products"]
        form["products"] = (
            [product_form(p) for p in products] if isinstance(products, list) else products
        )
    return json.dumps(form, sort_keys=True, separators=(",", ":"))


def read_orphan_rows(orphans_csv: Path) -> set[str]:
    """Read the ``filename`` column of an orphan table written by our tool.

    Parameters
    ----------
    orphans_csv : Path
        A ``|``-delimited ascii table. Lines starting with ``#`` and blank lines are ignored;
        the first other line is the header, which must have a ``filename`` column (header
        compared case-insensitively).

    Returns
    -------
    set of str
        The lower-cased file names; empty if the file has no header line.

    Raises
    ------
    ValueError
        If the header has no ``filename`` column or a row is too short to have one.
    """
    column: int | None = None
    rows: set[str] = set()
    lines = Path(orphans_csv).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip().strip('"').strip() for cell in line.split("|")]
        if column is None:
            names = [cell.lower() for cell in cells]
            if "filename" not in names:
                raise ValueError(f"{orphans_csv}:{number}: header has no 'filename' column")
            column = names.index("filename")
            continue
        if column >= len(cells):
            raise ValueError(f"{orphans_csv}:{number}: row has no 'filename' value")
        if cells[column]:
            rows.add(cells[column].lower())
    return rows


def _read_expected_orphans(path: Path) -> set[str]:
    """Read ``orphans_expected.txt``: one file name a line, blank lines ignored."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip().lower() for line in lines if line.strip()}


def _describe(label: str, names: set[str]) -> str:
    """Describe a set of rows briefly: its size and its first few names."""
    shown = sorted(names)[:_DETAIL_LIMIT]
    more = ", ..." if len(names) > _DETAIL_LIMIT else ""
    return f"{label} {len(names)}: {', '.join(shown)}{more}"


def _compare_orphans(golden: Path, orphans_csv: Path | None) -> tuple[bool | None, str]:
    """Compare our orphan table with the golden expectation; see `AsnComparison`."""
    expected_path = Path(golden) / ORPHANS_EXPECTED
    if orphans_csv is None or not expected_path.is_file():
        return None, ""
    if not Path(orphans_csv).is_file():
        return False, f"orphan table {orphans_csv} not found"
    expected = _read_expected_orphans(expected_path)
    ours = read_orphan_rows(orphans_csv)
    parts = []
    if expected - ours:
        parts.append(_describe("missing", expected - ours))
    if ours - expected:
        parts.append(_describe("extra", ours - expected))
    return not parts, "; ".join(parts)


def _pair(ours: list[str], golden: list[str]) -> tuple[list[tuple[str, str]], int]:
    """Pair files of equal key: identical names first, then the rest in name order."""
    identical = sorted(set(ours) & set(golden))
    rest_ours = sorted(set(ours) - set(identical))
    rest_golden = sorted(set(golden) - set(identical))
    pairs = [(name, name) for name in identical] + list(zip(rest_ours, rest_golden, strict=False))
    return pairs, len(identical)


def match_asns(
    ours: dict[str, dict[str, Any]], golden: dict[str, dict[str, Any]]
) -> tuple[list[tuple[str, str]], list[str], list[str], int]:
    """Match two sets of parsed associations one to one under the "same" rule.

    Parameters
    ----------
    ours, golden : dict of str to dict
        File name to parsed association, for each side.

    Returns
    -------
    matched, only_ours, only_golden, strict
        The ``(ours, golden)`` pairs of equal associations (identical names paired first),
        the names left unmatched on each side, and how many pairs have identical names.
    """
    our_groups: dict[str, list[str]] = defaultdict(list)
    golden_groups: dict[str, list[str]] = defaultdict(list)
    for name, asn in ours.items():
        our_groups[asn_key(asn, name)].append(name)
    for name, asn in golden.items():
        golden_groups[asn_key(asn, name)].append(name)

    matched: list[tuple[str, str]] = []
    strict = 0
    only_ours: list[str] = []
    only_golden: list[str] = []
    for key in our_groups.keys() | golden_groups.keys():
        ours_names, golden_names = our_groups.get(key, []), golden_groups.get(key, [])
        pairs, identical = _pair(ours_names, golden_names)
        matched.extend(pairs)
        strict += identical
        paired_ours = {o for o, _ in pairs}
        paired_golden = {g for _, g in pairs}
        only_ours.extend(n for n in ours_names if n not in paired_ours)
        only_golden.extend(n for n in golden_names if n not in paired_golden)

    return matched, only_ours, only_golden, strict


def compare_folders(ours: Path, golden: Path, orphans_csv: Path | None = None) -> AsnComparison:
    """Match our association files one to one with the golden ones.

    Parameters
    ----------
    ours : Path
        Folder of the association files we wrote.
    golden : Path
        Folder of the golden association files, optionally with ``orphans_expected.txt``.
    orphans_csv : Path, optional
        Our orphan table (see `read_orphan_rows`); without it the orphans are not compared.

    Returns
    -------
    AsnComparison
        The matched pairs, the unmatched files of each side, the strict-name count and the
        orphan verdict.
    """
    our_asns = load_asns(ours)
    golden_asns = load_asns(golden)
    matched, only_ours, only_golden, strict = match_asns(our_asns, golden_asns)
    orphans_ok, orphan_detail = _compare_orphans(golden, orphans_csv)
    return AsnComparison(
        matched=sorted(matched),
        only_ours=sorted(only_ours),
        only_golden=sorted(only_golden),
        strict_names=strict,
        orphans_ok=orphans_ok,
        orphan_detail=orphan_detail,
        golden_levels={name: asn_level(asn) for name, asn in golden_asns.items()},
    )


def _report(result: AsnComparison) -> str:
    """Format a short text report of a comparison."""
    lines = [f"matched: {len(result.matched)} (identical names: {result.strict_names})"]
    lines += [f"  {o}" if o == g else f"  {o} = {g}" for o, g in result.matched]
    lines.append(f"only ours: {len(result.only_ours)}")
    lines += [f"  {name}" for name in result.only_ours]
    lines.append(f"only golden: {len(result.only_golden)}")
    lines += [f"  {name}" for name in result.only_golden]
    for level, (hit, total) in result.level_counts().items():
        lines.append(f"level {level}: {hit}/{total} golden matched")
    verdict = {None: "not compared", True: "ok", False: "differ"}[result.orphans_ok]
    lines.append(
        f"orphans: {verdict}" + (f" ({result.orphan_detail})" if result.orphan_detail else "")
    )
    lines.append("SAME" if result.same else "DIFFERENT")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Compare two association folders from the command line; return 0 if same, else 1."""
    parser = argparse.ArgumentParser(
        prog="python -m asnrules.tools.compare",
        description="Compare association files with golden ones (corpus 'same associations').",
    )
    parser.add_argument("ours", type=Path, help="folder of our *_asn.json files")
    parser.add_argument("golden", type=Path, help="folder of the golden *_asn.json files")
    parser.add_argument("--orphans", type=Path, help="our orphan table ('|'-delimited)")
    args = parser.parse_args(argv)
    result = compare_folders(args.ours, args.golden, args.orphans)
    print(_report(result))
    return 0 if result.same else 1


if __name__ == "__main__":
    sys.exit(main())
