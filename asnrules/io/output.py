"""Association documents and files: structure, names, atomic writes, orphans."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from asnrules.diagnostics import Diagnostic, OutputError
from asnrules.engine.association import Association, Member
from asnrules.engine.ruleset import ExposureRoots
from asnrules.engine.scope import Scope
from asnrules.engine.split import forked_map
from asnrules.io import jsontext
from asnrules.io.pool import ORIGINAL, ORIGINAL_NAMES
from asnrules.io.writing import name_problem, write_set


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
    """Return the association's file name without ``.json``.

    Without a ``file`` template: ``{asn_type}_{sequence:03d}``, after ``{candidate id}_``
    when the association has a candidate id (sequence numbers count per candidate id
    and type).
    """
    asn.builtins["sequence"] = asn.sequence
    scope = Scope(None, not_set, None, asn)
    if asn.rule.file is not None:
        return str(asn.rule.file(scope))
    stem = f"{asn.rule.asn_type}_{asn.sequence:03d}"
    return f"{asn.asn_id}_{stem}" if asn.asn_id else stem


def serialize(data: dict[str, Any]) -> str:
    """JSON text as the reference writes it: 4-space indent, no trailing newline."""
    return jsontext.dumps(data)


def named_documents(
    associations: Sequence[Association], not_set: frozenset[str]
) -> list[tuple[str, dict[str, Any]]]:
    """Return ``(file name, document)`` for every association, in order."""
    return [(file_stem(a, not_set) + ".json", document(a, not_set)) for a in associations]


def named_files(
    associations: Sequence[Association], not_set: frozenset[str], jobs: int = 1
) -> list[tuple[str, str]]:
    """Return ``(file name, JSON text)`` for every association, in order.

    Many associations are shared among ``jobs`` processes (see
    :func:`asnrules.engine.split.forked_map`); no document is kept once serialized.
    """
    for asn in associations:
        asn.builtins["sequence"] = asn.sequence
    return forked_map(partial(_named_file, not_set=not_set), associations, jobs)


def _named_file(asn: Association, not_set: frozenset[str]) -> tuple[str, str]:
    return file_stem(asn, not_set) + ".json", serialize(document(asn, not_set))


def version_tag(version_id: str | bool | None) -> str | None:
    """The version tag of file names: ``True`` means the current UTC time."""
    if version_id is True:
        from datetime import datetime, timezone

        return datetime.now(timezone.utc).strftime("%Y%m%dt%H%M%S")
    return version_id or None


def origin(asn: Association) -> str:
    """What made an association's file, for messages: its rule and ruleset file."""
    return f"rule {asn.rule.name} ({asn.rule.stage})"


def check_file_names(associations: Sequence[Association], names: Sequence[str]) -> None:
    """Refuse file names that are not plain names, and two associations with one name.

    Raises
    ------
    OutputError
        ASN501 (at the rule's file template) for a name that is not a plain file name;
        ASN503 naming both rules when two associations get one name.
    """
    problems = []
    first: dict[str, Association] = {}
    for asn, name in zip(associations, names, strict=True):
        path, line, col = asn.rule.location
        reason = name_problem(name, folders=False)
        if reason:
            problems.append(
                Diagnostic(
                    path, line, col, "ASN501", f"{origin(asn)} names a file {name!r}: {reason}"
                )
            )
            continue
        other = first.setdefault(name.casefold(), asn)
        if other is not asn:
            if other.rule is asn.rule:
                who = f"two associations of {origin(asn)}"
            else:
                where = ":".join(map(str, other.rule.location))
                who = f"{origin(asn)} and {origin(other)} (file name at {where})"
            problems.append(
                Diagnostic(
                    path,
                    line,
                    col,
                    "ASN503",
                    f"{who} both name {name!r}: one would overwrite the other",
                )
            )
    if problems:
        raise OutputError(problems)


def write_all(folder: Path, files: Sequence[tuple[str, str]]) -> list[Path]:
    """Write every file into ``folder`` as one set: all of them or none (see :mod:`.writing`).

    Raises
    ------
    OutputError
        When a name is refused or a write fails; nothing is left behind.
    """
    return write_set(folder, files).written


def written_members(associations: Sequence[Association]) -> Iterator[Member]:
    """Every member the associations' files list, product by product."""
    for asn in associations:
        for _, members in asn.products():
            yield from members


def orphan_rows(
    rows: Sequence[dict[str, str]],
    associations: Sequence[Association],
    roots: ExposureRoots | None = None,
) -> list[int]:
    """Indexes of the rows that are members of no association.

    Without ``roots`` (the ruleset's ``orphans`` setting), a row is a member when a
    written member came from it. With ``roots``, a row is a member when the root of its
    ``roots.column`` value is the root of some written member's ``roots.member_field``.
    """
    if roots is None:
        sources = {m.source for m in written_members(associations)}
        return [i for i in range(len(rows)) if i not in sources]
    field, column = roots.member_field, roots.column
    found = {roots.root(m.fields.get(field, "")) for m in written_members(associations)}
    return [i for i, row in enumerate(rows) if roots.root(row.get(column, "")) not in found]


def orphan_table(
    rows: Sequence[dict[str, str]],
    indexes: Sequence[int],
    columns: Sequence[str],
    delimiter: str = "|",
    table: Any = None,
) -> str:
    """The orphan rows as a delimited table with a header line, as the pool had them.

    With a pool ``table`` read from a file, its original header names and cells are
    written (original case, empty cells empty); otherwise the rows as given.
    """
    meta = getattr(table, "meta", None) or {}
    original = meta.get(ORIGINAL)
    if original:
        names = list(meta.get(ORIGINAL_NAMES) or original)
        cells = list(original.values())
        lines = [delimiter.join(names)]
        lines.extend(delimiter.join(column[i] for column in cells) for i in indexes)
        return "\n".join(lines) + "\n"
    lines = [delimiter.join(columns)]
    lines.extend(delimiter.join(rows[i].get(c, "") for c in columns) for i in indexes)
    return "\n".join(lines) + "\n"
