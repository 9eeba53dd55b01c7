"""Locate the data that ships with asnrules: the grammar and the bundled rulesets.

In an installed wheel they live in ``asnrules/_data``; in a source checkout (editable
install, tests) they are the repository's top-level ``grammar/`` and ``rulesets/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Return the folder holding the shipped data ``name`` (``grammar`` or ``rulesets``).

    Parameters
    ----------
    name : str
        ``"grammar"`` or ``"rulesets"``.

    Returns
    -------
    Path
        The folder, installed copy first, source checkout second.
    """
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"asnrules data folder {name!r} is missing from the installation")


def bundled_rulesets() -> dict[str, Path]:
    """Return the bundled ruleset files by file name (``stage2.yaml`` ...)."""
    return {path.name: path for path in sorted(data_dir("rulesets").glob("*.yaml"))}


DEFAULT_RULESETS = ("stage2.yaml", "stage3.yaml")
"""The rulesets used when none is named: the JWST Stage 2 and Stage 3 rules."""
