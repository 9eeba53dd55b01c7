"""``asnrules diff A B``: compare two association sets under the corpus "same" rule.

``A`` and ``B`` are two folders (their ``*_asn.json`` files) or two files. Equal
associations are matched one to one by :func:`asnrules.tools.compare.match_asns`; the rest are
paired by file name (sequence number masked), then by product names, and each pair is
described key by key: which file, which product and member index, which key, both values,
and where the value sits in each file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asnrules.diagnostics import error
from asnrules.tools.compare import IGNORED_TOP_KEYS, mask_sequence, match_asns, product_form
from asnrules.tools.jsonpos import JsonDocument, JsonPath, load_json


@dataclass(frozen=True)
class Difference:
    """One differing value of two paired associations.

    Attributes
    ----------
    where : tuple
        Path of the value (``("products", 0, "members", 2, "exptype")``).
    a, b : Any
        The value on each side; ``None`` with ``a_missing``/``b_missing`` when absent.
    a_at, b_at : tuple of (int, int)
        1-based line and column of the value (or of its nearest parent) in each file.
    """

    where: JsonPath
    a: Any
    b: Any
    a_at: tuple[int, int]
    b_at: tuple[int, int]
    a_missing: bool = False
    b_missing: bool = False


@dataclass
class DiffResult:
    """The comparison of two association sets."""

    a_root: Path
    b_root: Path
    same_pairs: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, list[Difference]]] = field(default_factory=list)
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        """bool: True when every association of each side has an equal one on the other."""
        return not self.changed and not self.only_a and not self.only_b


_ABSENT = object()


def where_text(loc: JsonPath) -> str:
    """Readable path: ``products[0].members[2].exptype``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file name)"


def _walk(a: Any, b: Any, loc: JsonPath) -> Iterator[tuple[JsonPath, Any, Any]]:
    """Yield the differing leaves of two compared forms (absent values are ``_ABSENT``)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            yield from _walk(a.get(key, _ABSENT), b.get(key, _ABSENT), (*loc, key))
    elif isinstance(a, list) and isinstance(b, list):
        for index in range(max(len(a), len(b))):
            left = a[index] if index < len(a) else _ABSENT
            right = b[index] if index < len(b) else _ABSENT
            yield from _walk(left, right, (*loc, index))
    elif a != b:
        yield loc, a, b


def _form(asn: dict[str, Any]) -> dict[str, Any]:
    """The compared content of an association, shaped like the file (see compare.asn_key)."""
    form = {k: v for k, v in asn.items() if k not in IGNORED_TOP_KEYS and k != "products"}
    if "products" in asn:
        products = asn["products"]
        form["products"] = (
            [product_form(p) for p in products] if isinstance(products, list) else products
        )
    return form


def _raw(doc: JsonDocument, loc: JsonPath) -> Any:
    """The value as written in the file at ``loc`` (the compared form lower-cases)."""
    value = doc.data
    for part in loc:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return _ABSENT
    return value


def describe(a: JsonDocument, b: JsonDocument, a_name: str, b_name: str) -> list[Difference]:
    """List the differences of two associations, file name first."""
    found = []
    if mask_sequence(a_name) != mask_sequence(b_name):
        found.append(Difference((), a_name, b_name, (0, 0), (0, 0)))
    for loc, left, right in _walk(_form(a.data), _form(b.data), ()):
        raw_a = _raw(a, loc) if left is not _ABSENT else _ABSENT
        raw_b = _raw(b, loc) if right is not _ABSENT else _ABSENT
        found.append(
            Difference(
                loc,
                None if raw_a is _ABSENT else raw_a,
                None if raw_b is _ABSENT else raw_b,
                a.position(loc),
                b.position(loc),
                a_missing=raw_a is _ABSENT,
                b_missing=raw_b is _ABSENT,
            )
        )
    return found


def _side(path: Path, label: str) -> dict[str, JsonDocument]:
    """The association files of one side, by file name."""
    if path.is_dir():
        files = sorted(path.glob("*_asn.json"))
    elif path.is_file():
        files = [path]
    else:
        raise error(str(path), "ASN910", f"{label}: no such file or folder")
    docs = {}
    for file in files:
        doc = load_json(file)
        if not isinstance(doc.data, dict):
            raise error(str(file), "ASN903", "an association must be a JSON object", 1, 1)
        docs[file.name] = doc
    return docs


def _pair_rest(
    only_a: list[str], only_b: list[str], a: dict[str, JsonDocument], b: dict[str, JsonDocument]
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Pair unmatched files by file name, then by masked file name, then by products."""

    def by_name(name: str, doc: JsonDocument) -> str:
        return name

    def by_masked_name(name: str, doc: JsonDocument) -> str:
        return mask_sequence(name)

    def by_products(name: str, doc: JsonDocument) -> str:
        products = doc.data.get("products")
        names = (
            [p.get("name") for p in products if isinstance(p, dict)]
            if isinstance(products, list)
            else []
        )
        return json.dumps([doc.data.get("asn_type"), names])

    pairs: list[tuple[str, str]] = []
    left, right = list(only_a), list(only_b)
    for key in (by_name, by_masked_name, by_products):
        waiting: dict[str, list[str]] = {}
        for name in right:
            waiting.setdefault(key(name, b[name]), []).append(name)
        unpaired = []
        for name in left:
            candidates = waiting.get(key(name, a[name]))
            if candidates:
                partner = candidates.pop(0)
                pairs.append((name, partner))
                right.remove(partner)
            else:
                unpaired.append(name)
        left = unpaired
    return pairs, left, right


def diff_paths(a_path: Path, b_path: Path) -> DiffResult:
    """Compare two folders, or two files, of associations.

    Raises
    ------
    AsnRulesError
        ASN910 when a path is missing or a file is compared with a folder; ASN901/ASN902
        when a file cannot be read as JSON.
    """
    if a_path.is_dir() != b_path.is_dir() and a_path.exists() and b_path.exists():
        raise error(str(b_path), "ASN910", "compare two folders or two files, not one of each")
    a_docs, b_docs = _side(a_path, "A"), _side(b_path, "B")
    result = DiffResult(a_path, b_path)
    for path, docs in ((a_path, a_docs), (b_path, b_docs)):
        if not docs:
            result.warnings.append(f"{path}: ASN906 folder holds no *_asn.json file")
    if a_path.is_file():  # two files: always one pair
        a_name, b_name = next(iter(a_docs)), next(iter(b_docs))
        changes = describe(a_docs[a_name], b_docs[b_name], a_name, b_name)
        if changes:
            result.changed.append((a_name, b_name, changes))
        else:
            result.same_pairs.append((a_name, b_name))
        return result
    matched, only_a, only_b, _ = match_asns(
        {n: d.data for n, d in a_docs.items()}, {n: d.data for n, d in b_docs.items()}
    )
    result.same_pairs = sorted(matched)
    pairs, result.only_a, result.only_b = _pair_rest(sorted(only_a), sorted(only_b), a_docs, b_docs)
    for a_name, b_name in pairs:
        result.changed.append(
            (a_name, b_name, describe(a_docs[a_name], b_docs[b_name], a_name, b_name))
        )
    return result


def _file(root: Path, name: str) -> Path:
    return root if root.is_file() else root / name


def _show(value: Any, missing: bool) -> str:
    return "(absent)" if missing else json.dumps(value)


def render_text(result: DiffResult) -> str:
    """The human report: one located line per difference, then a summary."""
    lines = []
    for a_name, b_name, changes in result.changed:
        a_file, b_file = _file(result.a_root, a_name), _file(result.b_root, b_name)
        lines.append(f"{a_file} differs from {b_file}:")
        for d in changes:
            place = f"{a_file}:{d.a_at[0]}:{d.a_at[1]}" if d.where else str(a_file)
            lines.append(
                f"  {place}: {where_text(d.where)}: A {_show(d.a, d.a_missing)}, "
                f"B {_show(d.b, d.b_missing)}"
                + (f" (B at line {d.b_at[0]}, col {d.b_at[1]})" if d.where else "")
            )
    lines += [f"only in A: {_file(result.a_root, n)}" for n in result.only_a]
    lines += [f"only in B: {_file(result.b_root, n)}" for n in result.only_b]
    lines.append(
        f"{'SAME' if result.same else 'DIFFERENT'}: {len(result.same_pairs)} same, "
        f"{len(result.changed)} differing, {len(result.only_a)} only in A, "
        f"{len(result.only_b)} only in B"
    )
    return "\n".join(lines)


def render_json(result: DiffResult) -> str:
    """The report as JSON: the verdict, the pairs, the located differences."""
    changed = []
    for a_name, b_name, changes in result.changed:
        a_file, b_file = _file(result.a_root, a_name), _file(result.b_root, b_name)
        changed.append(
            {
                "a": str(a_file),
                "b": str(b_file),
                "differences": [
                    {
                        "where": where_text(d.where),
                        "path": list(d.where),
                        "a": None if d.a_missing else d.a,
                        "b": None if d.b_missing else d.b,
                        "a_missing": d.a_missing,
                        "b_missing": d.b_missing,
                        "a_line": d.a_at[0],
                        "a_col": d.a_at[1],
                        "b_line": d.b_at[0],
                        "b_col": d.b_at[1],
                    }
                    for d in changes
                ],
            }
        )
    data = {
        "same": result.same,
        "same_pairs": [
            [str(_file(result.a_root, a)), str(_file(result.b_root, b))]
            for a, b in result.same_pairs
        ],
        "changed": changed,
        "only_a": [str(_file(result.a_root, n)) for n in result.only_a],
        "only_b": [str(_file(result.b_root, n)) for n in result.only_b],
    }
    return json.dumps(data, indent=2)
