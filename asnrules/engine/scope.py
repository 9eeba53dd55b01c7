"""What a compiled expression runs against: the scope, and the compiled-expression type.

The compiler (:mod:`asnrules.language.compiler`) turns expression text into functions of a
:class:`Scope`; the engine only calls them. This module is the contract between the two, so
the engine runs without the parser, the models or YAML.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from asnrules.engine.values import DEFAULT_NOT_SET, is_set

MEMBER = "member"

MEMBER_READ = "member."
"""Among the columns a member-context expression reads (``reads``), ``member.NAME`` notes
that it reads the member field ``NAME`` and ``member.*`` that it reads them all: what it
reads of the row through the fields is what their formulas read."""

Compiled = Callable[["Scope"], Any]

Keeper = Callable[[Compiled, tuple[str, ...], "Scope"], Any]
"""What keeps the value of a named definition for a row: ``keeper(compute, columns,
scope)`` gives ``compute(scope)``, which depends on the row's values of ``columns``
alone (the engine keeps it by them)."""


class Scope:
    """What a compiled expression evaluates against.

    Parameters
    ----------
    row : dict
        The pool row (lower-case column names to lower-case strings).
    not_set : collection of str
        Values that count as absent.
    member : dict, optional
        Member fields computed so far (member context).
    asn : object, optional
        The association (association context): needs ``values(name)``,
        ``members`` (objects with ``row`` and ``fields``), ``first_of(role)`` and
        ``builtins``.
    kept : Keeper, optional
        Keeps the values of named definitions (see :func:`kept_by_columns`); without
        one, each is computed every time.
    """

    __slots__ = ("asn", "kept", "member", "not_set", "row")

    def __init__(
        self,
        row: Mapping[str, str] | None = None,
        not_set: Collection[str] = DEFAULT_NOT_SET,
        member: Any = None,
        asn: Any = None,
        kept: Keeper | None = None,
    ) -> None:
        self.row = row if row is not None else {}
        self.not_set = not_set
        self.member = member
        self.asn = asn
        self.kept = kept

    def truth(self, value: Any) -> bool:
        """Whether ``value`` is set/true."""
        return is_set(value, self.not_set)

    def count(self, condition: Compiled) -> int:
        """Number of the association's members for which ``condition`` holds."""
        return sum(1 for m in self.asn.members if self.truth(condition(self._member(m))))

    def distinct(self, value: Compiled) -> int:
        """Number of distinct set values of ``value`` over the members."""
        found = {value(self._member(m)) for m in self.asn.members}
        return len({v for v in found if self.truth(v)})

    def _member(self, member: Any) -> Scope:
        return member_scope(member, self.not_set, self.asn)


def member_scope(member: Any, not_set: Collection[str], asn: Any) -> Scope:
    """The member context of a made ``member`` of ``asn``: its row, role and fields."""
    return Scope(member.row, not_set, {"role": member.role, **member.fields}, asn)


def kept_by_columns(compute: Compiled, columns: tuple[str, ...]) -> Compiled:
    """``compute``, a function of the row's values of ``columns``, through the scope's keeper.

    The compiler wraps named definitions so: an expression that misses its own kept
    result (it reads a file name, say) still finds those of the definitions it uses.
    """

    def kept(s: Scope) -> Any:
        keeper = s.kept
        if keeper is None:
            return compute(s)
        return keeper(compute, columns, s)

    return kept


class RecordingRow(dict):  # type: ignore[type-arg]
    """A row that remembers the names compiled expressions read from it, in order.

    Compiled expressions read columns with ``row.get``; evaluating one on a scope whose
    row is a ``RecordingRow`` tells which columns it read and what it found (``None``:
    the row has no such column). Ordinary rows are plain dicts, so recording costs
    nothing when it is not asked for.
    """

    def __init__(self, row: Mapping[str, str]) -> None:
        super().__init__(row)
        self.read: dict[str, str | None] = {}

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, noted as read."""
        found = super().get(key)
        self.read.setdefault(key, found)
        return default if found is None else found


def columns_read(
    reads: dict[int, tuple[Compiled, frozenset[str]]], compiled: Compiled
) -> frozenset[str] | None:
    """The columns ``compiled`` may read according to ``reads`` (``None``: unknown)."""
    entry = reads.get(id(compiled))
    return entry[1] if entry is not None and entry[0] is compiled else None
