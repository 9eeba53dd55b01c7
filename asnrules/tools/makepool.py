"""``asnrules make-pool``: a pool from the primary headers of FITS files.

The pool is laid out as the reference's ``asn_make_pool`` lays it out:

- one row per file, in the order given; one column per header keyword found in any file
  (lower-cased, sorted, ``COMMENT``/``HISTORY``/blank cards left out), ``null`` where a
  file lacks the keyword; ``filename`` is the path as given;
- columns no header holds: ``asn_candidate`` (the observation candidate ``o`` +
  ``OBSERVTN``, then the ``--asn-candidate`` ones), ``targetid`` (1, 2, ... by first
  appearance of ``TARGNAME``), ``dms_note`` (empty), ``is_imprt`` (``f``), ``pntgtype``
  (``science``), ``mostilno`` and ``dithptin`` (``1``);
- written ``|``-delimited by astropy, one header line.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asnrules.diagnostics import error

IGNORED_CARDS = frozenset({"", "COMMENT", "HISTORY"})
NON_HEADER_DEFAULTS = {
    "asn_candidate": "",
    "dms_note": "",
    "is_imprt": "f",
    "pntgtype": "science",
    "targetid": "1",
    "mostilno": "1",
    "dithptin": "1",
}
"""Pool columns that no FITS header holds, with their values when not computed or given."""

ARGUMENTS = "<arguments>"


def parse_candidates(spec: str | None) -> list[tuple[str, str]]:
    """Read ``--asn-candidate``: a Python-style list of ``(id, type)`` pairs.

    Raises
    ------
    AsnRulesError
        ASN932 when the text is not such a list.
    """
    if not spec:
        return []
    message = (
        f"--asn-candidate {spec!r}: expected a list of (id, type) pairs, "
        "e.g. \"[('c1000', 'background')]\""
    )
    try:
        value = ast.literal_eval(spec)
    except (ValueError, SyntaxError):
        raise error(ARGUMENTS, "ASN932", message) from None
    pairs = value if isinstance(value, (list, tuple)) else None
    if pairs is None or not all(
        isinstance(p, tuple) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs
    ):
        raise error(ARGUMENTS, "ASN932", message)
    return [(str(a), str(b)) for a, b in pairs]


def read_header(path: str) -> dict[str, str]:
    """The primary header of a FITS file as lower-case keywords and text values.

    Raises
    ------
    AsnRulesError
        ASN930 when the file is missing or cannot be opened, ASN933 when it is not FITS.
    """
    from astropy.io import fits

    try:
        header = fits.getheader(path, 0)
    except FileNotFoundError:
        raise error(path, "ASN930", "no such FITS file") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise error(path, "ASN930", f"cannot open the file: {exc.strerror}") from None
    except (OSError, ValueError) as exc:
        raise error(
            path, "ASN933", f"not a FITS file: cannot read a primary header: {exc}"
        ) from None
    values = {
        str(key).lower(): str(value) for key, value in header.items() if key not in IGNORED_CARDS
    }
    values["filename"] = path
    return values


def make_pool(
    files: Sequence[str],
    *,
    asn_candidate: str | None = None,
    dms_note: str = "",
    is_imprt: str = "f",
    pntgtype: str = "science",
) -> Any:
    """Build the pool of some FITS files.

    Parameters
    ----------
    files : sequence of str
        FITS file paths; rows are in this order.
    asn_candidate : str, optional
        Extra candidates of every row, e.g. ``"[('c1000', 'background')]"``.
    dms_note, is_imprt, pntgtype : str
        Values of those columns for every row.

    Returns
    -------
    astropy.table.Table
        The pool, every value a string.

    Raises
    ------
    AsnRulesError
        ASN930 for a missing file, ASN933 for one that is not FITS, ASN931 when a header
        lacks ``OBSERVTN`` or ``TARGNAME``, ASN932 for a bad ``--asn-candidate``.
    """
    from astropy.table import Table

    extra = parse_candidates(asn_candidate)
    headers = [read_header(str(f)) for f in files]
    columns = sorted({key for h in headers for key in h} | set(NON_HEADER_DEFAULTS))
    fixed = {
        **NON_HEADER_DEFAULTS,
        "dms_note": dms_note,
        "is_imprt": is_imprt,
        "pntgtype": pntgtype,
    }
    targets: dict[str, int] = {}
    rows = []
    for path, header in zip(files, headers, strict=True):
        for keyword in ("observtn", "targname"):
            if keyword not in header:
                raise error(path, "ASN931", f"primary header has no {keyword.upper()} keyword")
        row = dict.fromkeys(columns, "null")
        row.update(header)
        row.update(fixed)
        row["asn_candidate"] = str([(f"o{header['observtn']}", "observation"), *extra])
        row["targetid"] = str(targets.setdefault(header["targname"], len(targets) + 1))
        rows.append([row[c] for c in columns])
    return Table(rows=rows or None, names=columns, dtype=[object] * len(columns))


def write_pool(table: Any, path: Path) -> None:
    """Write a pool ``|``-delimited (overwriting ``path``)."""
    table.write(str(path), format="ascii", delimiter="|", overwrite=True)
