"""Value semantics shared by the compiler, the functions and the engine.

Pool values are strings (lower-cased when the ruleset says ``case: fold``); text
compares ignoring case. A value is *set* unless it is ``None`` or one of the
ruleset's "not set" strings (for JWST: ``null``, ``f``, ``n/a`` ...). Sets of values (what
the members of an association share) are Python ``frozenset``/``set`` objects.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

DEFAULT_NOT_SET: frozenset[str] = frozenset({"", "null"})
"""Values that mean "not set" when a ruleset does not declare its own list."""


def is_set(value: Any, not_set: Collection[str] = DEFAULT_NOT_SET) -> bool:
    """Return whether ``value`` counts as present.

    Parameters
    ----------
    value : Any
        A pool string, a number, a boolean, a collection or ``None``.
    not_set : collection of str
        Strings that mean "absent".
    """
    if type(value) is str:  # most values: no other test
        return value.lower() not in not_set
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() not in not_set
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, (set, frozenset, list, tuple, dict)):
        return len(value) > 0
    return True


def as_text(value: Any) -> str:
    """Return ``value`` as text for names and templates; sets are joined with ``-``."""
    if type(value) is str:  # most values: no other test
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (set, frozenset)):
        return "-".join(sorted((as_text(v) for v in value), key=str.lower))
    if isinstance(value, (list, tuple)):
        return "-".join(as_text(v) for v in value)
    return str(value)


_NUMBER = re.compile(r"\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*")


def as_number(value: Any) -> int | float | None:
    """Return ``value`` as a number, or ``None`` when it is not one.

    Numbers are themselves (``true``/``false`` are 1/0); text is a number when it is written
    in decimal notation (``'01'``, ``'-0.5'``, ``'1.5e3'``): ``'nan'``, ``'inf'`` and
    ``'1_000'`` are not numbers. Anything else (null, sets, lists) is not a number.
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return float(value)
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same(left: Any, right: Any) -> bool:
    """Case-insensitive equality for strings; numeric equality when one side is a number.

    A set of one value (what the members of an association share) equals that value. Text
    compared with a number is compared as a number (``'01' == 1``, ``'1.50' == 1.5``); text
    that is not a number equals no number.
    """
    if type(left) is str and type(right) is str:  # most comparisons: no other test
        return left.lower() == right.lower()
    if (
        isinstance(left, (set, frozenset))
        and len(left) == 1
        and not isinstance(right, (set, frozenset))
    ):
        left = next(iter(left))
    if (
        isinstance(right, (set, frozenset))
        and len(right) == 1
        and not isinstance(left, (set, frozenset))
    ):
        right = next(iter(right))
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    if _is_number(left) and isinstance(right, str):
        return as_number(right) == left
    if _is_number(right) and isinstance(left, str):
        return as_number(left) == right
    return bool(left == right)
