"""The one "did you mean" helper of asnrules' messages: the valid names nearest a wrong one.

:func:`did_you_mean` names the nearest (rule-file keys, names, functions, roles, hooks);
:func:`nearest` gives several, for messages that list them (an exposure not in the
pool, a value a pool column never holds).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6
"""How alike a candidate must be (``difflib``'s ratio, 0 to 1) to be suggested."""


def nearest(
    name: str, candidates: Iterable[str], count: int = 1, cutoff: float = CUTOFF
) -> list[str]:
    """Return up to ``count`` candidates closest to ``name``, the closest first.

    Parameters
    ----------
    name : str
        The unknown name (or value) as written.
    candidates : iterable of str
        The names that would have been valid there.
    count : int
        How many to return at most.
    cutoff : float
        How alike a candidate must be to be returned (0 to 1).
    """
    return difflib.get_close_matches(name, sorted(set(candidates)), n=count, cutoff=cutoff)


def did_you_mean(name: str, candidates: Iterable[str], preferred: Iterable[str] = ()) -> str:
    """Return ``"; did you mean 'x'?"`` for the candidate closest to ``name``, or ``""``.

    Parameters
    ----------
    name : str
        The unknown name as written.
    candidates : iterable of str
        The names that would have been valid there.
    preferred : iterable of str
        Names whose close match wins over a closer one of ``candidates`` (pool columns
        over derived names).
    """
    close = nearest(name, preferred) or nearest(name, candidates)
    return f"; did you mean {close[0]!r}?" if close else ""
