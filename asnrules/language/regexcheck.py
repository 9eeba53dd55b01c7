r"""A static check that a regular expression cannot take exponential time.

Python's ``re`` engine backtracks: a pattern in which a repeated part can match the same
text in more than one way (``(a+)+``, ``(a|aa)*``) takes time exponential in the length
of a value that nearly matches. Patterns are literal strings in rule files, so they are
checked once, when the rules are loaded, and the two shapes that cause it are refused:

* a loop (a quantifier that may repeat more than once) around a part that has a
  quantifier of variable count of its own: ``(a+)+``, ``(a?b)*``, ``(\d+-)+``;
* a loop around alternatives that can begin with the same character (or be empty):
  ``(a|aa)+``, ``(ab|a)+``.

Fixed counts inside a loop (``(\d{4})+``), alternatives outside loops
(``2-point-nod|4-point-nod``) and sequences of loops (``.+wfsc.+``) pass.
"""

from __future__ import annotations

import re
from typing import Any

try:
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_LOOPS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ANY = None
"""A first-character set that may hold any character."""


def unsafe_reason(pattern: str, flags: int = re.IGNORECASE) -> str | None:
    """Why ``pattern`` may take exponential time, or ``None`` when it cannot.

    Parameters
    ----------
    pattern : str
        A regular expression that compiles.
    flags : int
        The flags it is compiled with.
    """
    try:
        parsed = _p.parse(pattern, flags)
    except (re.error, RecursionError, OverflowError):
        return None  # compiling reports it
    return _walk(list(parsed), False)


def _walk(items: list[tuple[Any, Any]], in_loop: bool) -> str | None:
    for op, av in items:
        reason: str | None = None
        if op in _LOOPS:
            low, high, body = av
            variable = low != high
            if in_loop and variable:
                return (
                    "a quantifier inside a repeated part can match the same text in many "
                    "ways (as in '(a+)+')"
                )
            loops = high > 1
            if loops and _overlapping_branches(list(body)):
                return (
                    "alternatives inside a repeated part can begin with the same character "
                    "(as in '(a|aa)+')"
                )
            reason = _walk(list(body), in_loop or loops)
        elif op is _c.SUBPATTERN:
            reason = _walk(list(av[-1]), in_loop)
        elif op is _c.BRANCH:
            for branch in av[1]:
                reason = reason or _walk(list(branch), in_loop)
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            reason = _walk(list(av[1]), in_loop)
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            reason = _walk(list(av), in_loop)
        elif op is _c.GROUPREF_EXISTS:
            reason = _walk(list(av[1]), in_loop) or (av[2] and _walk(list(av[2]), in_loop))
        if reason:
            return reason
    return None


def _overlapping_branches(items: list[tuple[Any, Any]]) -> bool:
    """Whether ``items`` hold alternatives (outside nested loops) sharing a first character.

    An empty alternative counts as overlapping every other: ``(a|aa)+`` is parsed as
    ``(a(|a))+``.
    """
    for op, av in items:
        if op is _c.SUBPATTERN and _overlapping_branches(list(av[-1])):
            return True
        if op is _c.BRANCH:
            seen: set[str] = set()
            for branch in av[1]:
                first = _first(list(branch))
                if first is _ANY or first & seen:
                    return True
                seen |= first
    return False


def _first(items: list[tuple[Any, Any]]) -> set[str] | None:
    """Characters a sequence can begin with (lower-cased), or ``None`` for any."""
    if not items:
        return _ANY
    op, av = items[0]
    if op is _c.LITERAL:
        return {chr(av).lower()}
    if op is _c.SUBPATTERN:
        return _first(list(av[-1]))
    if op is _c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _c.LITERAL:
                chars.add(chr(value).lower())
            elif kind is _c.RANGE and value[1] - value[0] < 256:
                chars.update(chr(i).lower() for i in range(value[0], value[1] + 1))
            else:
                return _ANY
        return chars
    return _ANY
