"""The one "did you mean" helper of the rule language's messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the candidate closest to ``name``, or ``""``.

    Parameters
    ----------
    name : str
        The unknown name as written.
    candidates : iterable of str
        The names that would have been valid there.
    """
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
