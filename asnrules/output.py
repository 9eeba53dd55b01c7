"""Association documents and files: structure, names, atomic writes, orphans."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .association import Association
from .compiler import Scope
from .diagnostics import error


def document(asn: Association, not_set: frozenset[str]) -> dict[str, Any]:
    """Return the association as the ordered mapping written to its JSON file."""
    scope = Scope(None, not_set, None, asn)
    products = [
        {"name": name, "members": [dict(m.fields) for m in members]}
        for name, members in asn.products()
    ]
    data: dict[str, Any] = {}
    for key, compute in asn.rule.document:
        data[key] = products if compute is None else compute(scope)
    return data


def file_stem(asn: Association, not_set: frozenset[str]) -> str:
    """Return the association's file name without ``.json``."""
    asn.builtins["sequence"] = asn.sequence
    scope = Scope(None, not_set, None, asn)
    return (
        str(asn.rule.file(scope))
        if asn.rule.file is not None
        else f"{asn.asn_id}_{asn.rule.asn_type}_{asn.sequence:05d}_asn"
    )


def serialize(data: dict[str, Any]) -> str:
    """JSON text as the reference writes it: 4-space indent, no trailing newline."""
    return json.dumps(data, indent=4, separators=(",", ": "))


def named_documents(
    associations: Sequence[Association], not_set: frozenset[str]
) -> list[tuple[str, dict[str, Any]]]:
    """Return ``(file name, document)`` for every association, in order."""
    return [(file_stem(a, not_set) + ".json", document(a, not_set)) for a in associations]


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_all(folder: Path, files: Sequence[tuple[str, str]]) -> list[Path]:
    """Write every file into ``folder`` (created if needed); all texts are ready first.

    Raises
    ------
    AsnRulesError
        When the folder cannot be created or written.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in files:
            path = folder / name
            write_atomic(path, text)
            written.append(path)
    except OSError as exc:
        raise error(str(folder), "ASN001", f"cannot write output: {exc.strerror}") from None
    return written


def member_roots(associations: Sequence[Association]) -> set[str]:
    """Exposure roots (file name up to its last ``_``) of every member ``expname``."""
    roots = set()
    for asn in associations:
        for member in (m for _, members in asn.products() for m in members):
            name = Path(str(member.fields.get("expname", ""))).name
            roots.add(name.rsplit("_", 1)[0] if "_" in name else name)
    return roots


def orphan_rows(
    rows: Sequence[dict[str, str]], associations: Sequence[Association], identity: str
) -> list[int]:
    """Indexes of the rows that are members of no association.

    A row is a member when its exposure (its identity value without the ``_suffix.ext``
    ending) is the root of some member's ``expname``.
    """
    roots = member_roots(associations)
    orphans = []
    for i, row in enumerate(rows):
        name = Path(row.get(identity, "")).name
        root = name.rsplit("_", 1)[0] if "_" in name else name
        if root not in roots:
            orphans.append(i)
    return orphans


def orphan_table(
    rows: Sequence[dict[str, str]],
    indexes: Sequence[int],
    columns: Sequence[str],
    delimiter: str = "|",
) -> str:
    """The orphan rows as a delimited table with a header line."""
    lines = [delimiter.join(columns)]
    lines.extend(delimiter.join(rows[i].get(c, "") for c in columns) for i in indexes)
    return "\n".join(lines) + "\n"
