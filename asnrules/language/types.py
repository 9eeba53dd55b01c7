"""The static types of the expression language, and how a function's parameters are typed.

Types are checked when the rules are loaded (and by ``asnrules lint``), by
:mod:`asnrules.language.typecheck`; the functions of :mod:`asnrules.language.functions`
declare theirs with :class:`Param` and a result :class:`Type`. :data:`Type.ANY` is the
type of whatever cannot be known before a pool is read (a member's field, a map's
entry in a literal list, ...): it is accepted everywhere, so a type error is only ever
reported when it is certain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Type(str, Enum):
    """A static type."""

    TEXT = "text"
    """A pool column, a text literal, a named value that gives text."""
    NUMBER = "number"
    """A number literal (``5``, ``1.5``, ``-2``); what ``len``/``count`` give."""
    BOOL = "bool"
    """``true``/``false``; what comparisons, ``and``/``or``/``not`` and tests give."""
    LIST = "list"
    """A named list, a list literal ``[a, b]``, two lists joined with ``+``."""
    TUPLE = "tuple"
    """A tuple literal ``(a, b)``, looked up in a table."""
    MAP = "map"
    """A named map."""
    TABLE = "table"
    """A named table (of tuples)."""
    SET = "set"
    """An attribute in association context: the values the members share or record."""
    MEMBER = "member"
    """A member: ``member`` (member context), a role name or ``first_member``."""
    CANDIDATE = "candidate"
    """The association's ``candidate`` (``.id``, ``.type``)."""
    ANY = "any"
    """Not known before a pool is read; never an error."""


VALUE = frozenset({Type.TEXT, Type.NUMBER, Type.SET})
"""One value: text, a number, or the values of an attribute (joined with ``-``)."""
COLLECTION = frozenset({Type.LIST, Type.TUPLE, Type.SET})
"""Several values."""
CONTAINER = COLLECTION | {Type.MAP, Type.TABLE}
"""What ``in`` looks into."""
EVERYTHING = frozenset(Type)
"""Any type at all (a lazily evaluated argument, a truth test)."""


@dataclass(frozen=True)
class Param:
    """A function parameter.

    Parameters
    ----------
    name : str
        Name shown in messages and in the documentation.
    accepts : frozenset of Type
        The types an argument may have (an argument of type ``any`` always passes).
    repeated : bool
        Whether the parameter takes every remaining argument (``any(a, b, ...)``).
    """

    name: str
    accepts: frozenset[Type]
    repeated: bool = False

    def describe(self) -> str:
        """``name: type|type`` (``name...`` when repeated), as in the documentation."""
        return f"{self.name}{'...' if self.repeated else ''}: {describe(self.accepts)}"


def describe(types: Iterable[Type]) -> str:
    """The types joined with ``|`` in declaration order; every type is ``any``."""
    found = set(types)
    if found >= set(EVERYTHING) or Type.ANY in found:
        return "any"
    return "|".join(t.value for t in Type if t in found)


def common(types: Iterable[Type]) -> Type:
    """The type all of ``types`` have, else ``any`` (the branches of a conditional)."""
    found = set(types)
    return found.pop() if len(found) == 1 else Type.ANY
