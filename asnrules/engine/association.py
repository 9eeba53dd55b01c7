"""The state of one association while the engine builds it.

An association belongs to a rule and a candidate. It holds its members in order, the
values its members pinned (shared attributes) and recorded, and answers the questions
that association-context expressions ask (``values``, ``first_of``, ``builtins``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias

from asnrules.engine.ruleset import Rule
from asnrules.engine.scope import Scope
from asnrules.engine.values import DEFAULT_NOT_SET


@dataclass(frozen=True)
class Candidate:
    """An association candidate: its id and type (``o001``, ``observation``)."""

    id: str
    type: str

    def get(self, name: str) -> str | None:
        """Attribute access for expressions (``candidate.id``, ``candidate.type``)."""
        return {"id": self.id, "type": self.type}.get(name)


@dataclass(slots=True)
class Member:
    """A member: the pool row it came from, its role and its output fields.

    ``source`` is the index of that row in the pool (``None`` for a member no run made).
    ``fields`` may be shared with other members of the same row: read it, never change it.
    """

    row: Mapping[str, str]
    role: str
    fields: dict[str, Any]
    source: int | None = None

    def get(self, name: str) -> Any:
        """A member field, else the row's column (``science.expname``)."""
        if name in self.fields:
            return self.fields[name]
        return self.row.get(name)


def member_keys(members: Sequence[Member], identity: Sequence[str]) -> list[tuple[str, ...]]:
    """The identity of every member, in order: its ``identity`` fields, as text.

    These identify a member when associations are compared. Without identity fields, a
    member is identified by every field it has (name and value).
    """
    if identity:
        return [tuple(str(m.fields.get(f)) for f in identity) for m in members]
    return [tuple(f"{k}={v}" for k, v in sorted(m.fields.items())) for m in members]


Product: TypeAlias = "tuple[str, list[Member]]"
"""A product of an association file: its name and its members."""


@dataclass(slots=True)
class Association:
    """An association under construction.

    What only matching needs while a run lasts (the identities of its members, how many
    each limited role holds) is kept by the run (:class:`asnrules.engine.matching.Run`):
    a generation keeps every association it made until finalization, so each one holds
    only what outlives its run.

    Parameters
    ----------
    rule : Rule
        The rule that made it.
    candidate : Candidate
        The candidate it was made for.
    run : str
        ``candidate`` or ``discover``: which pass made it (part of ``asn_rule``).
    serial : int
        Creation order, across the whole generation.
    """

    rule: Rule
    candidate: Candidate
    run: str
    serial: int
    members: list[Member] = field(default_factory=list)
    pins: dict[str, str] = field(default_factory=dict)
    recorded: dict[str, list[str]] = field(default_factory=dict)
    builtins: dict[str, Any] = field(default_factory=dict)
    sequence: int = 0
    not_set: frozenset[str] = DEFAULT_NOT_SET
    """The ruleset's "not set" values (for hooks that read rows)."""
    founder: Member | None = None
    """The member that started the association (kept when a hook rearranges members)."""
    keeps_creating: bool = False
    """A row joined in a ``keeps_creating`` role: rows that join from then on do not count
    as having joined the rule."""
    spelling: dict[str, str] = field(default_factory=dict)
    """Lower-case attribute value to the value as its first member wrote it (``case:
    keep``): what ``values`` gives."""
    merged_products: list[Product] | None = None
    """Every product, once other associations were merged into this one (``--merge``)."""

    def products(self) -> list[Product]:
        """The products written to the file: one of its own members unless merged."""
        if self.merged_products is not None:
            return self.merged_products
        return [(str(self.builtins.get("product", "")), self.members)]

    def values(self, name: str) -> frozenset[str]:
        """The values the members have for an attribute: pinned and recorded ones."""
        found = set(self.recorded.get(name, ()))
        if name in self.pins:
            found.add(self.pins[name])
        if self.spelling:
            return frozenset(self.spelling.get(v, v) for v in found)
        return frozenset(found)

    @property
    def first(self) -> Member | None:
        """The member that started the association."""
        return self.founder if self.founder is not None else next(iter(self.members), None)

    def first_of(self, role: str) -> Member | None:
        """The first member in ``role``, or ``None``."""
        return next((m for m in self.members if m.role == role), None)

    def with_members(self, members: list[Member]) -> Association:
        """A copy of this association (rule, candidate, shared values) with other members."""
        return replace(
            self,
            members=members,
            pins=dict(self.pins),
            recorded={k: list(v) for k, v in self.recorded.items()},
            spelling=dict(self.spelling),
            builtins=dict(self.builtins),
            founder=self.first,
        )

    def scope(self, not_set: frozenset[str]) -> Scope:
        """A scope for association-context expressions."""
        return Scope(None, not_set, None, self)

    @property
    def asn_id(self) -> str:
        """The candidate id, which names the association."""
        return self.candidate.id

    def member_keys(self, identity: Sequence[str] = ()) -> list[tuple[str, ...]]:
        """The identity of every member, in order (see :func:`member_keys`)."""
        return member_keys(self.members, identity)

    def membership(self, identity: Sequence[str] = ()) -> Counter[tuple[str, ...]]:
        """Multiset of the member keys: what makes two associations equal."""
        return Counter(self.member_keys(identity))
