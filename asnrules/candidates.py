"""Association candidates: which candidates each pool row belongs to.

A row's candidate cell is a Python literal list of ``(id, type)`` pairs, for example
``[('o001', 'observation'), ('c1000', 'mosaic')]``. A bare integer is a candidate of
type ``unknown``; anything else (``null``) belongs to no candidate.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from .association import Candidate


def parse_cell(cell: str | None) -> list[Candidate]:
    """Return the candidates named by one cell, in order (unparsable cells: none)."""
    if not cell:
        return []
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        return [Candidate(str(value), "unknown")]
    if not isinstance(value, (list, tuple, set)):
        return []
    found = []
    for entry in value:
        if isinstance(entry, (tuple, list)) and len(entry) == 2:
            found.append(Candidate(str(entry[0]).lower(), str(entry[1]).lower()))
    return found


def candidates_in_order(cells: Sequence[list[Candidate]]) -> list[Candidate]:
    """Every candidate of the pool, grouped by type in order of first appearance.

    Types are ordered by the first row naming them; within a type, ids by the first row
    naming them.
    """
    by_type: dict[str, dict[str, None]] = {}
    for candidates in cells:
        for candidate in candidates:
            by_type.setdefault(candidate.type, {}).setdefault(candidate.id, None)
    return [Candidate(cid, ctype) for ctype, ids in by_type.items() for cid in ids]


def rewrite(candidate: Candidate) -> str:
    """The cell value rows carry inside a candidate's own run."""
    return f"[('{candidate.id}', '{candidate.type}')]"
