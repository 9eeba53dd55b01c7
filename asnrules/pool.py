"""Read association pools: ``|``-delimited tables with ``#`` comment lines anywhere.

Every column name and value is lower-cased and kept as a string (program ``09505`` keeps
its leading zero); masked cells become ``"null"``. astropy is imported lazily, so that
``--help`` and ``lint`` stay fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import AsnRulesError, Diagnostic, error

if TYPE_CHECKING:  # pragma: no cover
    from astropy.table import Table

NULL = "null"


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
        Lower-case column names and values; ``meta['pool_file']`` is the path.

    Raises
    ------
    AsnRulesError
        ASN401 when the file is missing or malformed.
    """
    import numpy as np
    from astropy.io import ascii as astropy_ascii
    from astropy.table import MaskedColumn, Table

    path = Path(path)
    if not path.is_file():
        raise error(str(path), "ASN401", "pool file not found")
    ascii_like = fmt == "ascii" or fmt.startswith("ascii.")
    kwargs: dict[str, Any] = {}
    if ascii_like:
        kwargs = {
            "format": "ascii.basic" if fmt == "ascii" else fmt,
            "delimiter": delimiter,
            "comment": r"\s*#",
            "guess": False,
            "converters": {"*": [astropy_ascii.convert_numpy(str)]},
            "fill_values": [("", "0", "__none__")],
        }
    else:
        kwargs = {"format": fmt}
    try:
        table = Table.read(str(path), **kwargs)
    except Exception as exc:  # astropy raises many types for malformed input
        raise _malformed(path, delimiter, exc) from None
    if len(table.colnames) < 2 and ascii_like:
        raise AsnRulesError(
            [
                Diagnostic(
                    str(path),
                    1,
                    1,
                    "ASN401",
                    f"pool has {len(table.colnames)} column(s); "
                    f"is the delimiter {delimiter!r} right?",
                )
            ]
        )
    columns = {}
    for name in table.colnames:
        column = table[name]
        values = np.asarray(
            column.filled("") if isinstance(column, MaskedColumn) else column, dtype=str
        )
        values = np.char.lower(values)
        values = np.where(np.char.strip(values) == "", NULL, values)
        columns[name.lower()] = values
    if len(columns) != len(table.colnames):
        raise AsnRulesError(
            [
                Diagnostic(
                    str(path),
                    1,
                    1,
                    "ASN401",
                    "pool has two columns whose names differ only in case",
                )
            ]
        )
    result = Table(columns, copy=False)
    result.meta["pool_file"] = str(path)
    return result


def _malformed(path: Path, delimiter: str, exc: Exception) -> AsnRulesError:
    """Locate the first line whose field count differs from the header's."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as err:
        return error(str(path), "ASN401", f"cannot read pool: {err.strerror}")
    header: int | None = None
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
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
                        "ASN401",
                        f"row has {fields} fields but the header has {header} "
                        f"(delimiter {delimiter!r})",
                        source_line=line[:120],
                    )
                ]
            )
    if header is None:
        return error(str(path), "ASN401", "pool has no header line", 1, 1)
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return error(str(path), "ASN401", f"cannot read pool: {first}", 1, 1)


def pool_rows(table: Table) -> list[dict[str, str]]:
    """Return the pool's rows as dictionaries of column name to value."""
    names = list(table.colnames)
    columns = [table[n].tolist() for n in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def pool_name(table: Table) -> str:
    """Base name of the file the pool was read from (``in-memory`` otherwise)."""
    source = table.meta.get("pool_file")
    return Path(source).name if source else "in-memory"
