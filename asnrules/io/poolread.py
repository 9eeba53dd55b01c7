"""A fast reader for plain ``|``-delimited pools, read as :func:`asnrules.io.pool.read_pool`.

A pool with no quote character and the same number of fields on every line is split
directly, as astropy's basic reader would split it (a line stripped, split at the
delimiter, each field stripped of spaces and tabs), without importing astropy or building
numpy columns: generation needs rows, not a table. Any other pool (quotes, another
format, a malformed line, odd header names) goes to :func:`~asnrules.io.pool.read_pool`,
which also reports what is wrong with it.

Equal cells share one string, so a pool of 100,000 rows of a few dozen kinds stays small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asnrules.io.pool import (
    ORIGINAL,
    ORIGINAL_NAMES,
    ROW_LINES,
    _header_names,
    cell_rows,
    decode_lines,
    out_of_memory,
)


@dataclass
class PoolData:
    """A pool as rows: what :func:`asnrules.api.run` needs of a table.

    Attributes
    ----------
    colnames : list of str
        Lower-case column names.
    meta : dict
        ``pool_file`` and the original cells, names and row lines, as
        :func:`~asnrules.io.pool.read_pool` keeps them.
    """

    colnames: list[str]
    meta: dict[str, Any] = field(default_factory=dict)
    _rows: list[dict[str, str]] | None = None

    @property
    def rows(self) -> list[dict[str, str]]:
        """Lower-case values (empty cells ``"null"``), by column name.

        Made from the original cells when first asked for: a ruleset that keeps the
        case (``case: keep``) reads those cells instead and never needs them.
        """
        if self._rows is None:
            try:
                self._rows = cell_rows(self.colnames, self.meta[ORIGINAL])
            except MemoryError:
                raise out_of_memory(Path(self.meta["pool_file"])) from None
        return self._rows

    def __len__(self) -> int:
        return len(self.meta[ROW_LINES])


def read_pool_fast(path: str | Path, delimiter: str = "|", fmt: str = "ascii") -> Any:
    """Read a pool as :class:`PoolData` when it is plain, else as an astropy Table.

    Parameters
    ----------
    path : str or Path
        The pool file.
    delimiter : str
        Column delimiter.
    fmt : str
        Pool format; only ``ascii`` is read here.
    """
    from asnrules.io.pool import read_pool

    path = Path(path)
    if fmt != "ascii" or len(delimiter) != 1 or delimiter in ' \t"' or not path.is_file():
        return read_pool(path, delimiter=delimiter, fmt=fmt)
    try:
        found = _plain(path, decode_lines(path), delimiter)
    except MemoryError:
        raise out_of_memory(path) from None
    return found if found is not None else read_pool(path, delimiter=delimiter, fmt=fmt)


def _plain(path: Path, lines: list[str], delimiter: str) -> PoolData | None:
    """The pool read directly, or ``None`` when it is not plain."""
    data_lines = [
        n for n, line in enumerate(lines, 1) if (t := line.strip()) and not t.startswith("#")
    ]
    if not data_lines or any('"' in lines[n - 1] for n in data_lines):
        return None
    header = [name.strip(" \t") for name in lines[data_lines[0] - 1].strip().split(delimiter)]
    width = len(header)
    if width < 2 or "" in header or len(set(header)) != width:
        return None
    names = _header_names(path, lines, data_lines, delimiter, header)
    keys = [name.lower() for name in names]
    shared: dict[str, str] = {}
    share = shared.setdefault
    original: dict[str, list[str]] = {key: [] for key in keys}
    columns = [original[key] for key in keys]
    for number in data_lines[1:]:
        fields = lines[number - 1].strip().split(delimiter)
        if len(fields) != width:
            return None
        for column, cell in zip(columns, fields, strict=True):
            cell = cell.strip(" \t")
            column.append(share(cell, cell))
    meta = {
        "pool_file": str(path),
        ORIGINAL: original,
        ORIGINAL_NAMES: names,
        ROW_LINES: data_lines[1:],
    }
    return PoolData(keys, meta)
