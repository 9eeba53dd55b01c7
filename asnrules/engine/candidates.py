"""Association candidates: which candidates each pool row belongs to.

A row's candidate cell is a Python literal list of ``(id, type)`` pairs, for example
``[('o001', 'observation'), ('c1000', 'mosaic')]``. A bare integer is a candidate of
type ``unknown``; an empty cell (``null``) belongs to no candidate.

Ids and types go into file names, so only letters, digits, ``_`` and ``-`` are
accepted (an id such as ``b'o001'`` or ``../x`` is refused); a cell that cannot be read,
or an entry that is refused, is left out of generation and reported by
:func:`cell_warnings` as a warning naming the row and the cell.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from asnrules.diagnostics import Diagnostic, Severity
from asnrules.engine.association import Candidate

SAFE = re.compile(r"[a-z0-9][a-z0-9_-]*")
"""What a candidate id or type may be (lower-cased), whole."""
EMPTY = ("", "null")
UNREADABLE = "is not a list of (id, type) pairs; it is ignored: the row joins no candidate"


def parse_cell(cell: str | None) -> list[Candidate]:
    """Return the candidates named by one cell, in order (refused cells and entries: none)."""
    return read_cell(cell)[0]


def row_candidates(rows: Sequence[Mapping[str, str]], column: str | None) -> list[list[Candidate]]:
    """The candidates each row names in ``column``, in order (``None``: no column, none)."""
    return [parse_cell(row.get(column)) if column else [] for row in rows]


def read_cell(cell: str | None) -> tuple[list[Candidate], list[str]]:
    """Return the candidates named by one cell, and why any part of it was refused."""
    found, problems = _read_cell(cell)
    return list(found), list(problems)


@functools.lru_cache(maxsize=4096)
def _read_cell(cell: str | None) -> tuple[tuple[Candidate, ...], tuple[str, ...]]:
    """:func:`read_cell`, kept for the cells last read (a pool repeats its cells)."""
    found, problems = _parse(cell)
    return tuple(found), tuple(problems)


def _parse(cell: str | None) -> tuple[list[Candidate], list[str]]:
    if cell is None or cell.strip().lower() in EMPTY:
        return [], []
    try:
        value = ast.literal_eval(cell)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return [], [UNREADABLE]
    if isinstance(value, int) and not isinstance(value, bool):
        return [Candidate(str(value), "unknown")], []
    if not isinstance(value, (list, tuple, set)):
        return [], [UNREADABLE]
    found, problems = [], []
    for entry in value:
        if not (isinstance(entry, (tuple, list)) and len(entry) == 2):
            problems.append(f"has an entry {entry!r} that is not an (id, type) pair; it is ignored")
            continue
        cid, ctype = (_text(part) for part in entry)
        if cid is None or ctype is None or not SAFE.fullmatch(cid) or not SAFE.fullmatch(ctype):
            problems.append(
                f"has an entry {entry!r} whose id or type is not made of letters, digits, "
                "'_' and '-'; it is ignored, as it would reach file names"
            )
            continue
        found.append(Candidate(cid, ctype))
    return found, problems


def _text(part: object) -> str | None:
    if isinstance(part, str):
        return part.lower()
    if isinstance(part, int) and not isinstance(part, bool):
        return str(part)
    return None


def cell_warnings(
    rows: Sequence[dict[str, str]],
    column: str | None,
    path: str,
    lines: Sequence[int] = (),
) -> list[Diagnostic]:
    """A located warning for every candidate cell that is refused in whole or part.

    Parameters
    ----------
    rows : sequence of dict
        Pool rows.
    column : str or None
        The candidate column (``None``: the ruleset has none, and nothing is checked).
    path : str
        The pool file, for the diagnostics.
    lines : sequence of int
        The file line of every row (rows are numbered from 1 when not given).
    """
    found: list[Diagnostic] = []
    if column is None:
        return found
    text: list[str] | None = None
    for i, row in enumerate(rows):
        cell = row.get(column)
        _, problems = read_cell(cell)
        if not problems:
            continue
        line = lines[i] if i < len(lines) else i + 1
        if text is None:
            text = _file_lines(path)
        source = text[line - 1] if 0 < line <= len(text) else ""
        col = source.lower().find(str(cell)) + 1 if cell else 0
        for problem in problems:
            message = f"{column} cell {cell!r} of row {i + 1} {problem}"
            found.append(
                Diagnostic(path, line, col, "ASN420", message, Severity.WARNING, source[:200])
            )
    return found


def _file_lines(path: str) -> list[str]:
    from pathlib import Path

    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


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


class CellView(Mapping[str, str]):
    """A pool row as one candidate's run sees it: its candidate cell reads ``cell``.

    A read-only view over the row (nothing is copied): every other column reads the row's
    own value. It compares equal to a dict of the same content, and ``dict(view)`` or
    ``{**view}`` gives that dict.

    Parameters
    ----------
    row : mapping
        The pool row (not changed, and kept by reference).
    column : str
        The candidate column.
    cell : str
        What the candidate column reads in the view.
    """

    __slots__ = ("cell", "column", "row")

    row: Mapping[str, str]
    column: str
    cell: str

    def __init__(self, row: Mapping[str, str], column: str, cell: str) -> None:
        self.row = row
        self.column = column
        self.cell = cell

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key`` (``default`` when the row has no such column)."""
        if key == self.column:
            return self.cell
        return self.row.get(key, default)

    def cells(self, columns: tuple[str, ...]) -> tuple[str | None, ...]:
        """The values of ``columns``, in order (``None``: no such column), as one tuple."""
        found = tuple(map(self.row.get, columns))
        if self.column not in columns:
            return found
        pairs = zip(columns, found, strict=True)
        return tuple(self.cell if c == self.column else v for c, v in pairs)

    def __getitem__(self, key: str) -> str:
        if key == self.column:
            return self.cell
        return self.row[key]

    def __contains__(self, key: object) -> bool:
        return key == self.column or key in self.row

    def __iter__(self) -> Iterator[str]:
        yield from self.row
        if self.column not in self.row:
            yield self.column

    def __len__(self) -> int:
        return len(self.row) + (self.column not in self.row)

    def __repr__(self) -> str:
        return repr(dict(self))


def in_run(row: Mapping[str, str], column: str, cell: str) -> Mapping[str, str]:
    """The row as a candidate's run sees it: its cell naming only that candidate.

    A row whose cell already reads so is used as it is; any other is seen through a
    :class:`CellView` (no copy).
    """
    return row if row.get(column) == cell else CellView(row, column, cell)
