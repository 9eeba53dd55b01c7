"""Read association pools: ``|``-delimited tables with ``#`` comment lines anywhere.

Every column name and value is lower-cased as Python's ``str.lower`` does (as the
reference does; never cut to the width of the original) and kept as a string (program
``09505`` keeps its leading zero); empty cells become ``"null"``. The text as the pool
had it (original case, empty cells empty, the header's own names) and the line of every
row are kept in the table's ``meta`` for the orphan table and for located warnings, and
for the rows of a ruleset that says ``case: keep`` (:func:`pool_rows`), which are the
cells as written.

ASCII pools are decoded here, not by astropy: a UTF-8 byte-order mark is dropped and a
byte that is not UTF-8 is reported at its line and column. astropy is imported lazily,
so that ``--help`` and ``lint`` stay fast, and given a writable configuration folder.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asnrules.diagnostics import AsnRulesError, Diagnostic, byte_position, error

if TYPE_CHECKING:  # pragma: no cover
    from astropy.table import Table

NULL = "null"
ORIGINAL = "original_cells"
"""``meta`` key: column name to the cells as the pool had them (empty cells empty)."""
ORIGINAL_NAMES = "original_names"
"""``meta`` key: the column names as the header had them."""
ROW_LINES = "row_lines"
"""``meta`` key: the 1-based line of every row in the pool file."""
_COMMENT = re.compile(r"\s*#")


def read_pool(path: str | Path, delimiter: str = "|", fmt: str = "ascii") -> Table:
    """Read a pool file into an astropy Table of lower-case strings.

    Parameters
    ----------
    path : str or Path
        The pool file.
    delimiter : str
        Column delimiter for ASCII formats.
    fmt : str
        astropy table format (``ascii`` is read as basic ASCII with ``#`` comments).

    Returns
    -------
    Table
        Lower-case column names and values; ``meta['pool_file']`` is the path, and
        ``meta`` keeps the original cells, names and row lines (see the module notes).

    Raises
    ------
    AsnRulesError
        ASN401 when the file is missing or cannot be opened, ASN404 when it is
        malformed, ASN410 for a byte that is not UTF-8, ASN411 for two columns of one
        name, ASN412 when memory runs out.
    """
    path = Path(path)
    if not path.is_file():
        found = "is a folder, not a pool file" if path.is_dir() else "pool file not found"
        raise error(str(path), "ASN401", found)
    astropy_folders()
    try:
        return _read(path, delimiter, fmt)
    except MemoryError:
        raise out_of_memory(path) from None


def out_of_memory(path: Path) -> AsnRulesError:
    """ASN412: the pool could not be read in the memory there is."""
    size = path.stat().st_size
    return error(str(path), "ASN412", f"not enough memory to read the pool ({size} bytes)", 1, 1)


def _read(path: Path, delimiter: str, fmt: str) -> Table:
    import numpy as np
    from astropy.io import ascii as astropy_ascii
    from astropy.table import MaskedColumn, Table

    ascii_like = fmt == "ascii" or fmt.startswith("ascii.")
    lines: list[str] | None = None
    if ascii_like:
        lines = decode_lines(path)
        source: Any = lines
        kwargs: dict[str, Any] = {
            "format": "ascii.basic" if fmt == "ascii" else fmt,
            "delimiter": delimiter,
            "comment": r"\s*#",
            "guess": False,
            "converters": {"*": [astropy_ascii.convert_numpy(str)]},
            "fill_values": [("", "0", "__none__")],
        }
    else:
        source, kwargs = str(path), {"format": fmt}
    try:
        table = Table.read(source, **kwargs)
    except MemoryError:
        raise
    except Exception as exc:  # astropy raises many types for malformed input
        raise _malformed(path, lines, delimiter, exc) from None
    if len(table.colnames) < 2 and ascii_like:
        raise error(
            str(path),
            "ASN404",
            f"pool has {len(table.colnames)} column(s); is the delimiter {delimiter!r} right?",
            1,
            1,
        )
    lines = lines or []
    data_lines = [n for n, line in enumerate(lines, 1) if line.strip() and not _COMMENT.match(line)]
    names = _header_names(path, lines, data_lines, delimiter, list(table.colnames))
    columns: dict[str, Any] = {}
    original: dict[str, list[str]] = {}
    for name, key in zip(table.colnames, names, strict=True):
        column = table[name]
        filled = column.filled("") if isinstance(column, MaskedColumn) else column
        cells = [str(v) for v in filled.tolist()]
        original[key.lower()] = cells
        # str.lower on each value: numpy's fixed-width lower() would cut a value whose
        # lower-case form is longer ('İ' becomes 'i̇', two characters)
        columns[key.lower()] = np.array([v.lower() if v.strip() else NULL for v in cells])
    result = Table(columns, copy=False)
    result.meta["pool_file"] = str(path)
    result.meta[ORIGINAL] = original
    result.meta[ORIGINAL_NAMES] = names
    result.meta[ROW_LINES] = data_lines[1:] if len(data_lines) == len(table) + 1 else []
    return result


def decode_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 text file, byte-order mark dropped; bad bytes located (ASN410)."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise error(str(path), "ASN401", f"cannot read pool: {err.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = byte_position(raw, exc.start)
        bad = raw[exc.start : exc.end].hex(" ")
        message = f"pool is not UTF-8 text: byte(s) {bad} cannot be decoded"
        raise error(str(path), "ASN410", message, line, col) from None
    return text.removeprefix("\ufeff").splitlines()


def _header_names(
    path: Path, lines: list[str], data_lines: list[int], delimiter: str, colnames: list[str]
) -> list[str]:
    """The header's own column names; two equal ones (ignoring case) are an error (ASN411)."""
    names = list(colnames)
    if data_lines:
        line = lines[data_lines[0] - 1]
        fields = [f.strip().strip("\"'") for f in line.split(delimiter)]
        if len(fields) == len(colnames):
            names = fields
    else:
        line = ""
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        key = name.lower()
        if key in seen:
            first = names[seen[key]]
            col = sum(len(f) + len(delimiter) for f in line.split(delimiter)[:i]) + 1 if line else 1
            message = (
                f"columns {seen[key] + 1} ({first!r}) and {i + 1} ({name!r}) have the same "
                "name (names are compared ignoring case)"
            )
            number = data_lines[0] if data_lines else 1
            raise AsnRulesError(
                [Diagnostic(str(path), number, col, "ASN411", message, source_line=line[:200])]
            )
        seen[key] = i
    return names


def astropy_folders() -> None:
    """Give astropy writable configuration and cache folders when the home folder is not.

    astropy keeps them under ``~/.astropy`` unless ``XDG_CONFIG_HOME/astropy`` and
    ``XDG_CACHE_HOME/astropy`` exist; when neither is usable, a temporary folder is used.
    """
    try:
        home = Path.home()
        own = home / ".astropy"
        usable = (own.is_dir() and os.access(own, os.W_OK)) or (
            not own.exists() and home.is_dir() and os.access(home, os.W_OK)
        )
    except (OSError, RuntimeError, KeyError):
        usable = False
    if usable:
        return
    base: Path | None = None
    for kind in ("CONFIG", "CACHE"):
        variable = f"XDG_{kind}_HOME"
        given = os.environ.get(variable)
        if given and (Path(given) / "astropy").is_dir():
            continue
        if base is None:
            base = Path(tempfile.mkdtemp(prefix="asnrules-astropy-"))
        folder = base / kind.lower()
        (folder / "astropy").mkdir(parents=True, exist_ok=True)
        os.environ[variable] = str(folder)


def _malformed(
    path: Path, lines: list[str] | None, delimiter: str, exc: Exception
) -> AsnRulesError:
    """Locate the first line whose field count differs from the header's."""
    header: int | None = None
    for number, line in enumerate(lines or [], 1):
        if not line.strip() or _COMMENT.match(line):
            continue
        fields = line.count(delimiter) + 1
        if header is None:
            header = fields
            continue
        if fields != header:
            return AsnRulesError(
                [
                    Diagnostic(
                        str(path),
                        number,
                        1,
                        "ASN404",
                        f"row has {fields} fields but the header has {header} "
                        f"(delimiter {delimiter!r})",
                        source_line=line[:120],
                    )
                ]
            )
    if header is None and lines is not None:
        return error(str(path), "ASN404", "pool has no header line", 1, 1)
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return error(str(path), "ASN404", f"cannot read pool: {first}", 1, 1)


def pool_rows(table: Any, fold: bool = True) -> list[dict[str, str]]:
    """Return the pool's rows as dictionaries of column name to value.

    ``table`` is an astropy Table or the :class:`~asnrules.io.poolread.PoolData` of the
    direct reader, which already holds them. With ``fold`` false (a ruleset's
    ``case: keep``), the values are the cells as the pool had them (empty ones ``null``)
    when the table keeps them; column names are lower-case either way.
    """
    from asnrules.io.poolread import PoolData

    original = None if fold else (getattr(table, "meta", None) or {}).get(ORIGINAL)
    if original:
        return cell_rows(list(original), original, fold=False)
    if isinstance(table, PoolData):
        return table.rows
    names = list(table.colnames)
    columns = [table[n].tolist() for n in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def cell_rows(
    names: list[str], original: dict[str, list[str]], fold: bool = True
) -> list[dict[str, str]]:
    """The rows of the pool's ``original`` cells, by ``names`` (one per column, in order).

    Empty cells are ``null``, the others lower-cased with ``fold``, else as written; equal
    cells share one string.
    """
    made: dict[str, str] = {}
    one: dict[str, str] = {}
    for cell in set().union(*original.values()):  # each distinct cell once
        value = (cell.lower() if fold else cell) if cell.strip() else NULL
        made[cell] = one.setdefault(value, value)
    value_of = made.__getitem__
    return [
        dict(zip(names, map(value_of, values), strict=True))
        for values in zip(*original.values(), strict=True)
    ]


def pool_name(table: Table) -> str:
    """Base name of the file the pool was read from (``in-memory`` otherwise)."""
    source = table.meta.get("pool_file")
    return Path(source).name if source else "in-memory"
