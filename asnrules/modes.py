"""Which rule files run (``-r``, ``--ignore-default``), which candidates, and ``--DMS``.

The reference's meaning: its default rules always run, plus every ``-r`` file, unless
``--ignore-default`` is given. asnrules keeps one exception, for files written for it:
when the ``-r`` files name a bundled default ruleset themselves (``-r stage3.yaml``),
they are the whole list, as they always were.

With ``--DMS`` and ``-i``, the background candidates of the requested rows are generated
too, so that finalize can drop the requested associations they make redundant; then every
association whose candidate id does not contain a requested id is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asnrules.diagnostics import error
from asnrules.engine.candidates import candidates_in_order, parse_cell
from asnrules.engine.generator import Options
from asnrules.resources import DEFAULT_RULESETS, bundled_rulesets

BACKGROUND = "background"
"""The candidate type that ``--DMS`` adds to the requested ids."""


def rule_files(
    given: Sequence[str | Path] | None, ignore_default: bool = False
) -> list[str | Path]:
    """Return the rule files to load, in order.

    Parameters
    ----------
    given : sequence of str or Path, optional
        The ``-r`` files, in order.
    ignore_default : bool
        Do not load the bundled default rulesets.

    Raises
    ------
    AsnRulesError
        ASN020 when ``ignore_default`` leaves no rule file at all.
    """
    files = list(given or ())
    if ignore_default or _names_a_default(files):
        if not files:
            raise error(
                "<arguments>", "ASN020", "--ignore-default without -r: there are no rules to run"
            )
        return files
    return [*DEFAULT_RULESETS, *files]


def _names_a_default(files: Sequence[str | Path]) -> bool:
    bundled = bundled_rulesets()
    defaults = {bundled[name].resolve() for name in DEFAULT_RULESETS if name in bundled}
    for name in files:
        text = str(name)
        if text in DEFAULT_RULESETS or f"{text}.yaml" in DEFAULT_RULESETS:
            return True
        path = Path(name)
        if path.is_file() and path.resolve() in defaults:
            return True
    return False


def candidate_options(
    ids: Sequence[str] | None,
    discover: bool,
    all_candidates: bool,
    *,
    version_id: str | None,
    finalize: bool,
    merge: bool,
    per_pool: bool,
    jobs: int = 1,
) -> Options:
    """The engine options for ``-i``, ``--discover`` or ``--all-candidates``.

    With ``ids``, only those candidates; with ``discover``, only discovered
    associations; with ``all_candidates``, every candidate and no discovery; with none
    of them, every candidate and discovery as well. A large pool's runs may be shared
    among ``jobs`` processes.
    """
    rest: dict[str, Any] = {
        "version_id": version_id,
        "finalize": finalize,
        "merge": merge,
        "per_pool": per_pool,
        "jobs": jobs,
    }
    if ids:
        return Options(candidate_ids=list(ids), discover=False, **rest)
    if discover:
        return Options(discover=True, keep_candidates=False, **rest)
    return Options(discover=not all_candidates, **rest)


def dms_candidate_ids(
    rows: Sequence[dict[str, str]], column: str | None, requested: Sequence[str]
) -> list[str]:
    """The requested ids, then the background candidates of the rows naming one of them.

    A row names a requested id when the id occurs in its candidate cell as text.
    """
    wanted = [cid.lower() for cid in requested]
    if column is None:
        return wanted
    cells = [
        parse_cell(row.get(column))
        for row in rows
        if any(cid in (row.get(column) or "").lower() for cid in wanted)
    ]
    extra = [c.id for c in candidates_in_order(cells) if c.type == BACKGROUND]
    return [*wanted, *(cid for cid in extra if cid not in wanted)]


def dms_requested_only(associations: list[Any], requested: Sequence[str]) -> list[Any]:
    """Keep the associations whose candidate id contains one of the requested ids."""
    wanted = [cid.lower() for cid in requested]
    return [a for a in associations if any(cid in a.candidate.id for cid in wanted)]
